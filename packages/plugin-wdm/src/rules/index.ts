import IrqlExAllocatePool from './IrqlExAllocatePool.js';
import IrqlExFree1 from './IrqlExFree1.js';
import IrqlExFree2 from './IrqlExFree2.js';
import IrqlExFree3 from './IrqlExFree3.js';
import IrqlNotRestored from './IrqlNotRestored.js';
import IrqlPagedCode from './IrqlPagedCode.js';
import IrqlTooHigh from './IrqlTooHigh.js';
import IrqlTooLow from './IrqlTooLow.js';
import PoolAllocationNotChecked from './PoolAllocationNotChecked.js';
import PoolTagMismatch from './PoolTagMismatch.js';
import SpinLockReleaseMismatch from './SpinLockReleaseMismatch.js';
import UninitializedPoolToUser from './UninitializedPoolToUser.js';
import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  IrqlExAllocatePool,
  IrqlExFree1,
  IrqlExFree2,
  IrqlExFree3,
  IrqlNotRestored,
  IrqlPagedCode,
  IrqlTooHigh,
  IrqlTooLow,
  PoolAllocationNotChecked,
  PoolTagMismatch,
  SpinLockReleaseMismatch,
  UninitializedPoolToUser,
  UnsafeAllocatePool,
};
