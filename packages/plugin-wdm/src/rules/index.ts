import IrqlExAllocatePool from './IrqlExAllocatePool.js';
import IrqlNotRestored from './IrqlNotRestored.js';
import IrqlPagedCode from './IrqlPagedCode.js';
import IrqlTooHigh from './IrqlTooHigh.js';
import IrqlTooLow from './IrqlTooLow.js';
import SpinLockReleaseMismatch from './SpinLockReleaseMismatch.js';
import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  IrqlExAllocatePool,
  IrqlNotRestored,
  IrqlPagedCode,
  IrqlTooHigh,
  IrqlTooLow,
  SpinLockReleaseMismatch,
  UnsafeAllocatePool,
};
