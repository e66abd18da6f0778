/**
 * The pool allocator family (knowledge base §5): POOL_TYPE and POOL_FLAGS values, and one row per allocator
 * saying where its pool choice, size and tag are, whether it is deprecated and what replaces it.
 */

export const POOL_TYPE_VALUES: Readonly<Record<string, number>> = {
  NonPagedPool: 0,
  NonPagedPoolExecute: 0,
  PagedPool: 1,
  NonPagedPoolMustSucceed: 2,
  DontUseThisType: 3,
  NonPagedPoolCacheAligned: 4,
  PagedPoolCacheAligned: 5,
  NonPagedPoolCacheAlignedMustS: 6,
  MaxPoolType: 7,
  NonPagedPoolBase: 0,
  NonPagedPoolBaseMustSucceed: 2,
  NonPagedPoolBaseCacheAligned: 4,
  NonPagedPoolBaseCacheAlignedMustS: 6,
  NonPagedPoolSession: 32,
  PagedPoolSession: 33,
  NonPagedPoolMustSucceedSession: 34,
  DontUseThisTypeSession: 35,
  NonPagedPoolCacheAlignedSession: 36,
  PagedPoolCacheAlignedSession: 37,
  NonPagedPoolCacheAlignedMustSSession: 38,
  NonPagedPoolNx: 512,
  NonPagedPoolNxCacheAligned: 516,
  NonPagedPoolSessionNx: 544,
};

/** Modifiers that may be OR-ed into a POOL_TYPE. */
export const POOL_TYPE_MODIFIERS: Readonly<Record<string, number>> = {
  POOL_QUOTA_FAIL_INSTEAD_OF_RAISE: 8,
  POOL_RAISE_IF_ALLOCATION_FAILURE: 16,
  POOL_COLD_ALLOCATION: 256,
  POOL_ZERO_ALLOCATION: 1024,
};

export const POOL_FLAG_VALUES: Readonly<Record<string, bigint>> = {
  POOL_FLAG_REQUIRED_START: 0x1n,
  POOL_FLAG_USE_QUOTA: 0x1n,
  POOL_FLAG_UNINITIALIZED: 0x2n,
  POOL_FLAG_SESSION: 0x4n,
  POOL_FLAG_CACHE_ALIGNED: 0x8n,
  POOL_FLAG_RESERVED1: 0x10n,
  POOL_FLAG_RAISE_ON_FAILURE: 0x20n,
  POOL_FLAG_NON_PAGED: 0x40n,
  POOL_FLAG_NON_PAGED_EXECUTE: 0x80n,
  POOL_FLAG_PAGED: 0x100n,
  POOL_FLAG_SPECIAL_POOL: 0x1_0000_0000n,
};

const MODIFIER_MASK = 8 | 16 | 256 | 1024;

/** A paged POOL_TYPE is one whose base type is odd (PagedPool, PagedPoolCacheAligned and their session forms). */
export function isPagedPoolType(value: bigint | number): boolean {
  const base = Number(BigInt(value) & ~BigInt(MODIFIER_MASK));
  return (base & 1) === 1;
}

export function isPagedPoolFlags(value: bigint | number): boolean {
  return (BigInt(value) & POOL_FLAG_VALUES.POOL_FLAG_PAGED) !== 0n;
}

export interface AllocatorSpec {
  readonly name: string;
  /** Where the pool is chosen: a POOL_TYPE argument or a POOL_FLAGS argument. */
  readonly pool: { readonly kind: 'type' | 'flags'; readonly arg: number };
  readonly sizeArg: number;
  readonly tagArg?: number;
  /** Deprecated since Windows 10 2004: returns uninitialised memory. */
  readonly deprecated: boolean;
  /** The API that replaces a deprecated allocator, and how (shown in messages). */
  readonly replacement?: string;
  readonly replacementHint?: string;
  /** The down-level wrapper for drivers that must still run on Windows before 10, version 2004. */
  readonly downlevelReplacement?: string;
  /** Charges the allocation to the current process's quota. */
  readonly quota: boolean;
}

function allocator(
  name: string,
  pool: AllocatorSpec['pool'],
  sizeArg: number,
  tagArg: number | undefined,
  extra: Partial<AllocatorSpec> = {},
): AllocatorSpec {
  return { name, pool, sizeArg, tagArg, deprecated: false, quota: false, ...extra };
}

const byType = { kind: 'type', arg: 0 } as const;
const byFlags = { kind: 'flags', arg: 0 } as const;

export const ALLOCATORS: readonly AllocatorSpec[] = [
  allocator('ExAllocatePool', byType, 1, undefined, {
    deprecated: true,
    downlevelReplacement: 'ExAllocatePoolZero',
    replacement: 'ExAllocatePool2',
    replacementHint: 'ExAllocatePool2 with POOL_FLAGS and a pool tag',
  }),
  allocator('ExAllocatePoolWithTag', byType, 1, 2, {
    deprecated: true,
    downlevelReplacement: 'ExAllocatePoolZero',
    replacement: 'ExAllocatePool2',
    replacementHint: 'ExAllocatePool2 with POOL_FLAGS',
  }),
  allocator('ExAllocatePoolWithQuota', byType, 1, undefined, {
    deprecated: true,
    downlevelReplacement: 'ExAllocatePoolQuotaZero',
    replacement: 'ExAllocatePool2',
    replacementHint: 'ExAllocatePool2 with POOL_FLAG_USE_QUOTA and a pool tag',
    quota: true,
  }),
  allocator('ExAllocatePoolWithQuotaTag', byType, 1, 2, {
    deprecated: true,
    downlevelReplacement: 'ExAllocatePoolQuotaZero',
    replacement: 'ExAllocatePool2',
    replacementHint: 'ExAllocatePool2 with POOL_FLAG_USE_QUOTA',
    quota: true,
  }),
  allocator('ExAllocatePoolWithTagPriority', byType, 1, 2, {
    deprecated: true,
    downlevelReplacement: 'ExAllocatePoolPriorityZero',
    replacement: 'ExAllocatePool3',
    replacementHint: 'ExAllocatePool3 with a PoolExtendedParameterPriority parameter',
  }),
  allocator('ExAllocatePoolZero', byType, 1, 2),
  allocator('ExAllocatePoolUninitialized', byType, 1, 2),
  allocator('ExAllocatePoolQuotaZero', byType, 1, 2, { quota: true }),
  allocator('ExAllocatePoolQuotaUninitialized', byType, 1, 2, { quota: true }),
  allocator('ExAllocatePoolPriorityZero', byType, 1, 2),
  allocator('ExAllocatePoolPriorityUninitialized', byType, 1, 2),
  allocator('ExAllocatePool2', byFlags, 1, 2),
  allocator('ExAllocatePool3', byFlags, 1, 2),
];

const ALLOCATORS_BY_NAME = new Map(ALLOCATORS.map((a) => [a.name, a]));

export function lookupAllocator(name: string): AllocatorSpec | undefined {
  return ALLOCATORS_BY_NAME.get(name);
}

/**
 * POOL_TYPE → POOL_FLAGS for the migration to ExAllocatePool2/3 (Microsoft's "Updating deprecated ExAllocatePool
 * calls"). `choices` lists equally valid flag sets, first the one that keeps the exact semantics: NonPagedPool is
 * executable memory, which POOL_FLAG_NON_PAGED_EXECUTE keeps and POOL_FLAG_NON_PAGED (Microsoft's NX advice)
 * changes. A type absent here (MustSucceed, session, reserved types) has no automatic migration.
 */
export const POOL_TYPE_TO_FLAGS: Readonly<Record<number, { readonly choices: readonly (readonly string[])[] }>> = {
  0: { choices: [['POOL_FLAG_NON_PAGED_EXECUTE'], ['POOL_FLAG_NON_PAGED']] },
  1: { choices: [['POOL_FLAG_PAGED']] },
  4: { choices: [['POOL_FLAG_NON_PAGED_EXECUTE', 'POOL_FLAG_CACHE_ALIGNED'], ['POOL_FLAG_NON_PAGED', 'POOL_FLAG_CACHE_ALIGNED']] },
  5: { choices: [['POOL_FLAG_PAGED', 'POOL_FLAG_CACHE_ALIGNED']] },
  512: { choices: [['POOL_FLAG_NON_PAGED']] },
  516: { choices: [['POOL_FLAG_NON_PAGED', 'POOL_FLAG_CACHE_ALIGNED']] },
};

/** POOL_TYPE modifiers in the migration: what each becomes (undefined: dropped). */
export const POOL_MODIFIER_TO_FLAGS: Readonly<Record<number, string | undefined>> = {
  16: 'POOL_FLAG_RAISE_ON_FAILURE', // POOL_RAISE_IF_ALLOCATION_FAILURE
  256: undefined, // POOL_COLD_ALLOCATION: no ExAllocatePool2 equivalent
  1024: undefined, // POOL_ZERO_ALLOCATION: ExAllocatePool2 zeroes by default
};
