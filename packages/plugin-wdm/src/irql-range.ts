/**
 * The shared shape of the IRQL range rules (wdm/IrqlTooHigh, wdm/IrqlTooLow, kmdf/KmdfIrql): for every call
 * whose IRQL range is stated (DDI table, argument-dependent bounds, the callee's own SAL annotations), report
 * when the IRQL at the call may be outside it. Each rule picks the bound it checks and the calls it owns.
 */
import { type CallIrqlBounds, type Explanation, type RuleModule, defineRule, formatInterval, levelName, lookupAllocator } from '@ddi-lint/core';

export interface IrqlRangeRuleOptions {
  /** Which bound(s) the rule checks. */
  readonly bound: 'max' | 'min' | 'both';
  readonly appliesTo: (bounds: CallIrqlBounds) => boolean;
  readonly docs: RuleModule['meta']['docs'];
}

function describeIrql(e: Explanation): string {
  return `${e.definite ? 'runs at' : 'may run at'} ${formatInterval(e.interval)}`;
}

/** Pool allocators are IrqlExAllocatePool's: it also knows paged from non-paged. */
export function isPoolAllocator(bounds: CallIrqlBounds): boolean {
  return lookupAllocator(bounds.callee) !== undefined;
}

export function createIrqlRangeRule(options: IrqlRangeRuleOptions): RuleModule {
  return defineRule({
    meta: {
      type: 'problem',
      docs: options.docs,
      messages: {
        tooHigh: '{{callee}} must be called at IRQL <= {{limit}} ({{source}}), but here the code {{irql}}.',
        tooLow: '{{callee}} must be called at IRQL >= {{limit}} ({{source}}), but here the code {{irql}}.',
      },
      schema: [],
    },
    create(context) {
      return {
        call_expression(node) {
          const bounds = context.irqlBoundsOf(node);
          if (!bounds || !options.appliesTo(bounds)) return;
          const irql = context.irqlAt(node);
          if (!irql) return;
          for (const side of options.bound === 'both' ? (['max', 'min'] as const) : [options.bound]) {
            const limit = side === 'max' ? bounds.max : bounds.min;
            if (limit === undefined) continue;
            const explanation = side === 'max' ? irql.above(limit) : irql.below(limit);
            if (!explanation) continue;
            const inThisFile = bounds.step?.source.filePath === context.filename;
            context.report({
              node,
              messageId: side === 'max' ? 'tooHigh' : 'tooLow',
              data: { callee: bounds.callee, limit: levelName(limit), source: bounds.source, irql: describeIrql(explanation) },
              explanation,
              related: bounds.step && inThisFile ? [{ message: `the bound is stated here: ${bounds.step.message}`, range: { start: bounds.step.start, end: bounds.step.end } }] : undefined,
            });
            return;
          }
        },
      };
    },
  });
}
