import { describe, expect, it } from 'vitest';
import { parseSource } from '../frontend/parser.js';
import { isPagedPoolFlags, isPagedPoolType } from '../knowledge/pool.js';
import { type ConstantLookup, WDK_CONSTANTS, evaluateConstant, identifiersIn } from './constants.js';
import { buildFileModel } from './file-model.js';

/** A lookup over a table of `#define` bodies (strings) and enum values (bigints). */
function table(entries: Record<string, string | bigint>): ConstantLookup {
  return (name) => (Object.prototype.hasOwnProperty.call(entries, name) ? entries[name] : undefined);
}

describe('evaluateConstant: WDK names', () => {
  it.each([
    ['NonPagedPool', 0n],
    ['NonPagedPoolExecute', 0n],
    ['PagedPool', 1n],
    ['NonPagedPoolMustSucceed', 2n],
    ['NonPagedPoolCacheAligned', 4n],
    ['PagedPoolCacheAligned', 5n],
    ['NonPagedPoolSession', 32n],
    ['PagedPoolSession', 33n],
    ['NonPagedPoolNx', 512n],
    ['NonPagedPoolNxCacheAligned', 516n],
    ['NonPagedPoolSessionNx', 544n],
    ['POOL_QUOTA_FAIL_INSTEAD_OF_RAISE', 8n],
    ['POOL_RAISE_IF_ALLOCATION_FAILURE', 16n],
    ['POOL_COLD_ALLOCATION', 256n],
    ['POOL_FLAG_USE_QUOTA', 0x1n],
    ['POOL_FLAG_CACHE_ALIGNED', 0x8n],
    ['POOL_FLAG_RAISE_ON_FAILURE', 0x20n],
    ['POOL_FLAG_NON_PAGED', 0x40n],
    ['POOL_FLAG_NON_PAGED_EXECUTE', 0x80n],
    ['POOL_FLAG_PAGED', 0x100n],
    ['POOL_FLAG_SPECIAL_POOL', 0x1_0000_0000n],
    ['PASSIVE_LEVEL', 0n],
    ['APC_LEVEL', 1n],
    ['DISPATCH_LEVEL', 2n],
    ['NULL', 0n],
    ['PAGE_SIZE', 4096n],
  ])('%s = %s', (name, value) => {
    expect(evaluateConstant(name)).toBe(value);
    expect(WDK_CONSTANTS.get(name)).toBe(value);
  });

  it('PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE = 17, still a paged type', () => {
    const v = evaluateConstant('PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE');
    expect(v).toBe(17n);
    expect(isPagedPoolType(v!)).toBe(true);
  });

  it('NonPagedPoolNx | POOL_COLD_ALLOCATION is not paged', () => {
    const v = evaluateConstant('NonPagedPoolNx | POOL_COLD_ALLOCATION');
    expect(v).toBe(768n);
    expect(isPagedPoolType(v!)).toBe(false);
  });

  it('POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED = 0x48, not paged; POOL_FLAG_PAGED | POOL_FLAG_RAISE_ON_FAILURE is', () => {
    const np = evaluateConstant('POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED');
    expect(np).toBe(0x48n);
    expect(isPagedPoolFlags(np!)).toBe(false);
    const p = evaluateConstant('POOL_FLAG_PAGED|POOL_FLAG_RAISE_ON_FAILURE');
    expect(p).toBe(0x120n);
    expect(isPagedPoolFlags(p!)).toBe(true);
  });

  it('a 64-bit flag survives an OR', () => {
    expect(evaluateConstant('POOL_FLAG_SPECIAL_POOL | POOL_FLAG_NON_PAGED')).toBe(0x1_0000_0040n);
  });

  it('an unknown name is undefined, and taints the whole expression', () => {
    expect(evaluateConstant('MyPoolType')).toBeUndefined();
    expect(evaluateConstant('PagedPool | MyPoolType')).toBeUndefined();
    expect(evaluateConstant('MyPoolType | PagedPool')).toBeUndefined();
  });
});

describe('evaluateConstant: literals', () => {
  it.each([
    ['0', 0n],
    ['42', 42n],
    ['0x40', 64n],
    ['0X1F', 31n],
    ['0xffffffff', 0xffffffffn],
    ['010', 8n],
    ['0b101', 5n],
    ['16u', 16n],
    ['16U', 16n],
    ['16L', 16n],
    ['16UL', 16n],
    ['16ull', 16n],
    ['0x100ULL', 256n],
    ['4096ui64', 4096n],
    ['0x10i64', 16n],
  ])('%s = %s', (text, value) => {
    expect(evaluateConstant(text)).toBe(value);
  });

  it("a multi-character tag packs big-endian: 'gaT1' = 0x67615431", () => {
    expect(evaluateConstant("'gaT1'")).toBe(0x67615431n);
  });

  it("tags with spaces and escapes: ' mdW', 'a\\'b'", () => {
    expect(evaluateConstant("' mdW'")).toBe(0x206d6457n);
    expect(evaluateConstant("'A'")).toBe(65n);
    expect(evaluateConstant("'\\n'")).toBe(10n);
    expect(evaluateConstant("'\\x41\\x42'")).toBe(0x4142n);
    expect(evaluateConstant("'\\0\\0ab'")).toBe(0x6162n);
    expect(evaluateConstant("'a\\'b'")).toBe(0x612762n);
  });

  it('comments inside the expression are ignored', () => {
    expect(evaluateConstant('PagedPool /* paged! */ | 16')).toBe(17n);
    expect(evaluateConstant('0x40 // non-paged')).toBe(0x40n);
  });
});

// A formerly known gap, kept as a regression test now that it passes; the comment says what the bug was.
describe('evaluateConstant: fixed gaps (regression tests)', () => {
  // unescapeChars knows `\0` as a simple escape but not octal escapes: `'\012'` is read as `\0`, '1', '2'.
  it("octal escapes in character constants: '\\012' = 10, '\\101' = 65", () => {
    expect(evaluateConstant("'\\012'")).toBe(10n);
    expect(evaluateConstant("'\\101'")).toBe(65n);
  });
});

describe('evaluateConstant: operators and casts', () => {
  it.each([
    ['1 + 2 * 3', 7n],
    ['(1 + 2) * 3', 9n],
    ['1 << 4', 16n],
    ['0x100 >> 2', 64n],
    ['7 & 3', 3n],
    ['5 ^ 1', 4n],
    ['10 - 4 - 3', 3n],
    ['20 / 3', 6n],
    ['20 % 3', 2n],
    ['-1 + 3', 2n],
    ['~0 & 0xff', 0xffn],
    ['!0', 1n],
    ['!5', 0n],
    ['2 == 2', 1n],
    ['1 < 2 && 3 > 4', 0n],
    ['1 | 2 == 2', 1n],
    ['(((4)))', 4n],
  ])('%s = %s', (text, value) => {
    expect(evaluateConstant(text)).toBe(value);
  });

  it('division and remainder by zero are undefined', () => {
    expect(evaluateConstant('4 / 0')).toBeUndefined();
    expect(evaluateConstant('4 % (2 - 2)')).toBeUndefined();
  });

  it('casts to the WDK integer types are transparent: (POOL_TYPE)1, (ULONG)(a | b)', () => {
    expect(evaluateConstant('(POOL_TYPE)1')).toBe(1n);
    expect(evaluateConstant('(POOL_TYPE)(PagedPool | POOL_COLD_ALLOCATION)')).toBe(257n);
    expect(evaluateConstant('(ULONG)(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED)')).toBe(0x48n);
    expect(evaluateConstant('(POOL_FLAGS) 0x100')).toBe(0x100n);
    expect(evaluateConstant('(KIRQL)DISPATCH_LEVEL')).toBe(2n);
    expect(evaluateConstant('(SIZE_T)PAGE_SIZE * 2')).toBe(8192n);
  });

  it('a parenthesised unknown name is not a cast', () => {
    expect(evaluateConstant('(Foo)1')).toBeUndefined();
    expect(evaluateConstant('(Foo)')).toBeUndefined();
  });

  it('sizeof is unknown, never zero', () => {
    expect(evaluateConstant('sizeof(DEVICE_EXTENSION)')).toBeUndefined();
    expect(evaluateConstant('sizeof (ULONG) * 4')).toBeUndefined();
    expect(evaluateConstant('sizeof x')).toBeUndefined();
    expect(evaluateConstant('PAGE_SIZE + sizeof(ULONG)')).toBeUndefined();
  });

  it('a call or function-like macro is unknown', () => {
    expect(evaluateConstant('ROUND_TO_PAGES(100)')).toBeUndefined();
    expect(evaluateConstant('GetPoolType() | 16')).toBeUndefined();
  });

  it('malformed text is undefined', () => {
    expect(evaluateConstant('')).toBeUndefined();
    expect(evaluateConstant('   ')).toBeUndefined();
    expect(evaluateConstant('1 +')).toBeUndefined();
    expect(evaluateConstant('(1 + 2')).toBeUndefined();
    expect(evaluateConstant('1 2')).toBeUndefined();
    expect(evaluateConstant('"PagedPool"')).toBeUndefined();
    expect(evaluateConstant('a.b')).toBeUndefined();
    expect(evaluateConstant('x->Pool')).toBeUndefined();
  });
});

describe('evaluateConstant: #define chains and enums through the lookup', () => {
  it('follows a chain of #defines', () => {
    const lookup = table({
      MY_POOL: 'MY_BASE_POOL | MY_MODIFIERS',
      MY_BASE_POOL: '(PagedPool)',
      MY_MODIFIERS: 'POOL_RAISE_IF_ALLOCATION_FAILURE',
      MY_TAG: "'gaT1'",
      MY_SIZE: '(2 * PAGE_SIZE)',
    });
    expect(evaluateConstant('MY_POOL', lookup)).toBe(17n);
    expect(evaluateConstant('MY_TAG', lookup)).toBe(0x67615431n);
    expect(evaluateConstant('MY_SIZE + 1', lookup)).toBe(8193n);
  });

  it('an enum value from the lookup is used as is', () => {
    const lookup = table({ DriverPool: 512n, DriverFlags: 'DriverPool | 8' });
    expect(evaluateConstant('DriverPool', lookup)).toBe(512n);
    expect(evaluateConstant('DriverFlags', lookup)).toBe(520n);
  });

  it('the lookup takes precedence over the WDK constants', () => {
    expect(evaluateConstant('PagedPool', table({ PagedPool: '7' }))).toBe(7n);
  });

  it('a self-recursive #define is undefined, not a stack overflow', () => {
    expect(evaluateConstant('LOOP', table({ LOOP: 'LOOP + 1' }))).toBeUndefined();
    expect(evaluateConstant('A', table({ A: 'B | 1', B: 'A | 2' }))).toBeUndefined();
  });

  it('a name used twice in one expression is not mistaken for recursion', () => {
    const lookup = table({ ONE: '1', TWO: 'ONE + ONE' });
    expect(evaluateConstant('TWO * ONE + TWO', lookup)).toBe(4n);
  });

  it('an empty #define body is undefined', () => {
    expect(evaluateConstant('EMPTY', table({ EMPTY: '' }))).toBeUndefined();
  });

  it('a define that expands to sizeof is undefined', () => {
    expect(evaluateConstant('BUF_SIZE', table({ BUF_SIZE: 'sizeof(MY_STRUCT) * 4' }))).toBeUndefined();
  });

  it('works with the defines and enums a file model collects', () => {
    const src = `
#define DRV_POOL_TYPE  (PagedPool | POOL_RAISE_IF_ALLOCATION_FAILURE)
#define DRV_FLAGS      POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED
#define DRV_TAG        'gaT1'
typedef enum _DRV_KIND { KindA, KindB = 0x10, KindC } DRV_KIND;
`;
    const model = buildFileModel(parseSource('defs.c', src));
    const lookup: ConstantLookup = (name) => model.defines.get(name) ?? model.enumConstants.get(name);
    expect(evaluateConstant('DRV_POOL_TYPE', lookup)).toBe(17n);
    expect(evaluateConstant('DRV_FLAGS', lookup)).toBe(0x48n);
    expect(evaluateConstant('DRV_TAG', lookup)).toBe(0x67615431n);
    expect(evaluateConstant('KindA', lookup)).toBe(0n);
    expect(evaluateConstant('KindB', lookup)).toBe(16n);
    expect(evaluateConstant('KindC', lookup)).toBe(17n);
  });
});

describe('identifiersIn', () => {
  it('lists the names of an expression', () => {
    expect(identifiersIn('PagedPool | POOL_COLD_ALLOCATION')).toEqual(['PagedPool', 'POOL_COLD_ALLOCATION']);
    expect(identifiersIn("(POOL_TYPE)(x + 1) | 'gaT1'")).toEqual(['POOL_TYPE', 'x']);
    expect(identifiersIn('"unterminated')).toEqual([]);
  });
});
