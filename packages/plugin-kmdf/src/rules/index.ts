import KmdfIrql from './KmdfIrql.js';
import UnsafeAllocatePool from './UnsafeAllocatePool.js';

export const rules = {
  KmdfIrql,
  UnsafeAllocatePool,
};
