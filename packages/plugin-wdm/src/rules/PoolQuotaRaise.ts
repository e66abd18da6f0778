/**
 * wdm/PoolQuotaRaise — a quota allocation that raises an exception on failure, where nothing handles it:
 *
 * - the POOL_TYPE quota allocators (ExAllocatePoolWithQuota, ExAllocatePoolWithQuotaTag and their
 *   ExAllocatePoolQuotaZero / …Uninitialized wrappers) without POOL_QUOTA_FAIL_INSTEAD_OF_RAISE in the pool type;
 * - ExAllocatePool2/3 with POOL_FLAG_USE_QUOTA and POOL_FLAG_RAISE_ON_FAILURE.
 *
 * Handled means: in the guarded body of a `__try` that has an `__except` whose filter is not
 * EXCEPTION_CONTINUE_SEARCH (a `__try`/`__finally` does not stop an exception), in this function or — when the
 * function's address is never taken and it has callers — at every call site of it, transitively. A pool argument
 * that is not constant is not reported.
 */
import { POOL_FLAG_VALUES, POOL_TYPE_MODIFIERS, type FunctionDefinition, type RuleContext, defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

const FAIL_INSTEAD_OF_RAISE = BigInt(POOL_TYPE_MODIFIERS.POOL_QUOTA_FAIL_INSTEAD_OF_RAISE);
const USE_QUOTA_AND_RAISE = POOL_FLAG_VALUES.POOL_FLAG_USE_QUOTA | POOL_FLAG_VALUES.POOL_FLAG_RAISE_ON_FAILURE;

/**
 * Whether every caller of `fn` catches what it raises, transitively (no callers, or an address taken: no). `memo`
 * holds the answers so far; a function still being decided (recursion) counts as not catching.
 */
function caughtByCallers(context: RuleContext, fn: FunctionDefinition | undefined, memo: Map<FunctionDefinition, boolean>): boolean {
  if (!fn) return false;
  const known = memo.get(fn);
  if (known !== undefined) return known;
  memo.set(fn, false);
  const sites = context.program.isAddressTaken(fn) ? [] : context.program.callSitesOf(fn);
  const caught = sites.length > 0 && sites.every((s) => context.insideTry(s.call) || caughtByCallers(context, s.caller, memo));
  memo.set(fn, caught);
  return caught;
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Handle the exception a raising quota allocation throws, or make it return NULL instead.',
      url: docsUrl('wdm', 'PoolQuotaRaise'),
      recommended: true,
    },
    messages: {
      raisesType:
        '{{callee}} raises an exception when the quota charge or the allocation fails ({{pool}} lacks POOL_QUOTA_FAIL_INSTEAD_OF_RAISE), and no __try/__except handles it: an unhandled exception in kernel mode is a bug check. OR in POOL_QUOTA_FAIL_INSTEAD_OF_RAISE and check for NULL, or guard the call with __try/__except.',
      raisesFlags:
        '{{callee}} with POOL_FLAG_USE_QUOTA and POOL_FLAG_RAISE_ON_FAILURE raises an exception when the quota charge or the allocation fails, and no __try/__except handles it: an unhandled exception in kernel mode is a bug check. Drop POOL_FLAG_RAISE_ON_FAILURE and check for NULL, or guard the call with __try/__except.',
    },
    schema: [],
  },
  create(context) {
    const memo = new Map<FunctionDefinition, boolean>();
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const value = allocation?.poolValue;
        if (!allocation || !allocation.poolArgument || value === undefined) return;
        const { spec } = allocation;
        let messageId: 'raisesType' | 'raisesFlags';
        if (spec.pool.kind === 'type' && spec.quota && (value & FAIL_INSTEAD_OF_RAISE) === 0n) messageId = 'raisesType';
        else if (spec.pool.kind === 'flags' && (value & USE_QUOTA_AND_RAISE) === USE_QUOTA_AND_RAISE) messageId = 'raisesFlags';
        else return;
        if (context.insideTry(node) || caughtByCallers(context, context.functionAt(node), memo)) return;
        context.report({
          node: node.childForFieldName('function') ?? node,
          messageId,
          data: { callee: spec.name, pool: context.sourceCode.getText(allocation.poolArgument).replace(/\s+/g, ' ') },
        });
      },
    };
  },
});
