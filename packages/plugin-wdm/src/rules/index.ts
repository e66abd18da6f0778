import IrqlExAllocatePool from './IrqlExAllocatePool.js';
import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  IrqlExAllocatePool,
  UnsafeAllocatePool,
};
