/**
 * wdm/PoolReservedType — pool choices a driver must not make.
 *
 * - POOL_TYPE (the ExAllocatePool* family and the `…Zero` wrappers): the type with its modifiers
 *   (POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_RAISE_IF_ALLOCATION_FAILURE, POOL_COLD_ALLOCATION, POOL_ZERO_ALLOCATION)
 *   masked off must not be a must-succeed type, a reserved type, one of the CacheAligned types Microsoft documents as
 *   internal, or a session type (32–38, NonPagedPoolSessionNx). The value decides, so a `#define` or a number is
 *   caught as well as the constant's name; the message names the constant.
 * - POOL_FLAGS (ExAllocatePool2/3): exactly one of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and
 *   POOL_FLAG_PAGED; otherwise the allocation fails.
 * - The two mixed up: a POOL_TYPE constant given to ExAllocatePool2/3, or a POOL_FLAG_* constant given to a POOL_TYPE
 *   allocator (named in the argument itself).
 *
 * A pool argument that is not constant is not reported.
 */
import { POOL_FLAG_VALUES, POOL_TYPE_MODIFIERS, POOL_TYPE_VALUES, type SyntaxNode, defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

type Kind = 'mustSucceed' | 'reservedType' | 'internalType' | 'sessionType';

/** Base POOL_TYPE value → why a driver must not use it. */
const REJECTED_TYPES: ReadonlyMap<number, Kind> = new Map<number, Kind>([
  [2, 'mustSucceed'],
  [6, 'mustSucceed'],
  [3, 'reservedType'],
  [7, 'reservedType'],
  [4, 'internalType'],
  [5, 'internalType'],
  [516, 'internalType'],
  [32, 'sessionType'],
  [33, 'sessionType'],
  [34, 'sessionType'],
  [35, 'sessionType'],
  [36, 'sessionType'],
  [37, 'sessionType'],
  [38, 'sessionType'],
  [544, 'sessionType'],
]);

/** The constant's name for a value: the first (documented, non-`Base`) name POOL_TYPE gives it. */
const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(POOL_TYPE_VALUES)
    .filter(([name]) => !name.startsWith('NonPagedPoolBase'))
    .reverse()
    .map(([name, value]) => [value, name]),
);

const MODIFIER_MASK = BigInt(Object.values(POOL_TYPE_MODIFIERS).reduce((a, b) => a | b, 0));

const POOL_TYPE_FLAGS = ['POOL_FLAG_NON_PAGED', 'POOL_FLAG_NON_PAGED_EXECUTE', 'POOL_FLAG_PAGED'] as const;

/**
 * The names that make up an argument's value as written: through parentheses, casts, operators and the branches of
 * `?:`, not into calls (a helper may convert a POOL_TYPE into POOL_FLAGS) nor behind `#define`s.
 */
function writtenNames(node: SyntaxNode): string[] {
  switch (node.type) {
    case 'identifier':
      return [node.text];
    case 'parenthesized_expression':
    case 'binary_expression':
    case 'unary_expression':
      return node.namedChildren.flatMap(writtenNames);
    case 'cast_expression': {
      const value = node.childForFieldName('value');
      return value ? writtenNames(value) : [];
    }
    case 'conditional_expression':
      return [node.childForFieldName('consequence'), node.childForFieldName('alternative')].flatMap((n) => (n ? writtenNames(n) : []));
    default:
      return [];
  }
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not allocate from pool types reserved for the system, and give ExAllocatePool2/3 exactly one pool type flag.',
      url: docsUrl('wdm', 'PoolReservedType'),
      recommended: true,
    },
    messages: {
      mustSucceed:
        '{{callee}} asks for {{type}}: the must-succeed pool types are for the system during startup only and crash the system when the memory is not available; use {{instead}} and handle a NULL return.',
      reservedType: '{{callee}} asks for {{type}}, which is reserved for the system and is not a pool a driver may allocate from; use {{instead}}.',
      internalType:
        '{{callee}} asks for {{type}}, which Microsoft documents as for internal use by the system only; use {{instead}}, or ExAllocatePool2 with POOL_FLAG_CACHE_ALIGNED where cache alignment matters.',
      sessionType: '{{callee}} asks for {{type}}: the session pool types are deprecated and reserved for the operating system; use {{instead}}.',
      flagsConflict:
        '{{callee}} is given more than one pool type ({{flags}}): POOL_FLAGS must hold exactly one of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and POOL_FLAG_PAGED, and the allocation fails (returns NULL) otherwise; keep the one you mean.',
      flagsMissing:
        '{{callee}} is given no pool type ({{pool}} has none of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE and POOL_FLAG_PAGED), so the allocation fails and returns NULL; add POOL_FLAG_NON_PAGED or POOL_FLAG_PAGED.',
      typeAsFlags:
        '{{callee}} takes POOL_FLAGS, but is given the POOL_TYPE constant {{name}}: the numbers mean different things there, so the allocation fails or gets the wrong pool; use POOL_FLAG_NON_PAGED, or POOL_FLAG_PAGED for paged memory.',
      flagsAsType:
        '{{callee}} takes a POOL_TYPE, but is given the POOL_FLAGS constant {{name}}: the numbers mean different things there, so the allocation gets the wrong pool or none; use NonPagedPoolNx or PagedPool, or call ExAllocatePool2, which takes POOL_FLAGS.',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const pool = allocation?.poolArgument;
        if (!allocation || !pool) return;
        const callee = allocation.spec.name;
        const poolText = context.sourceCode.getText(pool).replace(/\s+/g, ' ');
        const written = writtenNames(pool);

        if (allocation.spec.pool.kind === 'flags') {
          const typeName = written.find((name) => name in POOL_TYPE_VALUES || name in POOL_TYPE_MODIFIERS);
          if (typeName) {
            context.report({ node: pool, messageId: 'typeAsFlags', data: { callee, name: typeName } });
            return;
          }
          const value = allocation.poolValue;
          if (value === undefined) return;
          const present = POOL_TYPE_FLAGS.filter((flag) => (value & POOL_FLAG_VALUES[flag]) !== 0n);
          if (present.length > 1) context.report({ node: pool, messageId: 'flagsConflict', data: { callee, flags: present.join(' | ') } });
          else if (present.length === 0) context.report({ node: pool, messageId: 'flagsMissing', data: { callee, pool: poolText } });
          return;
        }

        const flagName = written.find((name) => name.startsWith('POOL_FLAG_') && name in POOL_FLAG_VALUES);
        if (flagName) {
          context.report({ node: pool, messageId: 'flagsAsType', data: { callee, name: flagName } });
          return;
        }
        const value = allocation.poolValue;
        if (value === undefined || value < 0n) return;
        const base = Number(value & ~MODIFIER_MASK);
        const kind = REJECTED_TYPES.get(base);
        if (!kind) return;
        const name = TYPE_NAMES.get(base) ?? String(base);
        context.report({
          node: pool,
          messageId: kind,
          data: {
            callee,
            type: poolText === name ? name : `${name} (${poolText})`,
            instead: kind === 'reservedType' ? 'NonPagedPoolNx or PagedPool' : (base & 1) === 1 ? 'PagedPool' : 'NonPagedPoolNx',
          },
        });
      },
    };
  },
});
