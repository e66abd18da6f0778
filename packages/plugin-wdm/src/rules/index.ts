import CheckDeviceObjectFlags from './CheckDeviceObjectFlags.js';
import DefaultPoolTag from './DefaultPoolTag.js';
import ExecutablePoolAllocation from './ExecutablePoolAllocation.js';
import IrqlExAllocatePool from './IrqlExAllocatePool.js';
import IrqlExFree1 from './IrqlExFree1.js';
import IrqlExFree2 from './IrqlExFree2.js';
import IrqlExFree3 from './IrqlExFree3.js';
import IrqlNotRestored from './IrqlNotRestored.js';
import IrqlPagedCode from './IrqlPagedCode.js';
import IrqlTooHigh from './IrqlTooHigh.js';
import IrqlTooLow from './IrqlTooLow.js';
import PoolAllocationNotChecked from './PoolAllocationNotChecked.js';
import PoolQuotaRaise from './PoolQuotaRaise.js';
import PoolReservedType from './PoolReservedType.js';
import PoolTagIntegral from './PoolTagIntegral.js';
import PoolTagMismatch from './PoolTagMismatch.js';
import PoolTagZero from './PoolTagZero.js';
import PoolZeroSizeAllocation from './PoolZeroSizeAllocation.js';
import PowerDownAllocate from './PowerDownAllocate.js';
import PowerUpFail from './PowerUpFail.js';
import SpinLockReleaseMismatch from './SpinLockReleaseMismatch.js';
import UninitializedPoolToUser from './UninitializedPoolToUser.js';
import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  CheckDeviceObjectFlags,
  DefaultPoolTag,
  ExecutablePoolAllocation,
  IrqlExAllocatePool,
  IrqlExFree1,
  IrqlExFree2,
  IrqlExFree3,
  IrqlNotRestored,
  IrqlPagedCode,
  IrqlTooHigh,
  IrqlTooLow,
  PoolAllocationNotChecked,
  PoolQuotaRaise,
  PoolReservedType,
  PoolTagIntegral,
  PoolTagMismatch,
  PoolTagZero,
  PoolZeroSizeAllocation,
  PowerDownAllocate,
  PowerUpFail,
  SpinLockReleaseMismatch,
  UninitializedPoolToUser,
  UnsafeAllocatePool,
};
