import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  UnsafeAllocatePool,
};
