/**
 * wdm/SpinLockReleaseMismatch — a release that does not undo the acquire it pairs with: KeReleaseSpinLock with an
 * IRQL variable no acquire on the way saved, with the IRQL saved for another lock, or KeLowerIrql to a level
 * above the current one (PREfast C28141 covers the last).
 */
import { Level, defineRule, formatInterval, levelFromNumber, levelName, parseLevel } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

const LOWER = new Set(['KeLowerIrql', 'KfLowerIrql']);

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Release a spin lock (or lower the IRQL) with the IRQL saved by the matching acquire.',
      url: docsUrl('wdm', 'SpinLockReleaseMismatch'),
      recommended: true,
    },
    messages: {
      unsavedIrql:
        '{{callee}} restores the IRQL from {{slot}}, but on the way here only {{saved}} was saved by an acquire: the IRQL would be set to the wrong level.',
      wrongLock: '{{callee}} releases {{released}} with the IRQL saved when {{acquired}} was acquired ({{slot}}).',
      lowerRaises: '{{callee}}({{level}}) would raise the IRQL: here the code {{irql}}.',
    },
    schema: [],
  },
  create(context) {
    return {
      function_definition(node) {
        const fn = context.functionAt(node);
        if (!fn) return;
        for (const issue of context.releaseIssues(fn)) {
          const callee = context.calleeName(issue.call) ?? 'release';
          if (issue.kind === 'slot') {
            context.report({ node: issue.call, messageId: 'unsavedIrql', data: { callee, slot: issue.slot, saved: issue.savedSlots.join(', ') } });
          } else {
            context.report({
              node: issue.call,
              messageId: 'wrongLock',
              data: { callee, released: issue.releasedLock ?? '?', acquired: issue.acquiredLock ?? '?', slot: issue.slot },
            });
          }
        }
      },
      call_expression(node) {
        const callee = context.calleeName(node);
        if (!callee || !LOWER.has(callee)) return;
        const arg = context.argument(node, 0);
        const level = arg ? (parseLevel(arg.text) ?? levelOfValue(context.evaluate(arg))) : undefined;
        if (level === undefined) return;
        const irql = context.irqlAt(node);
        const below = irql?.below(level);
        if (!below?.definite) return;
        context.report({
          node,
          messageId: 'lowerRaises',
          data: { callee, level: levelName(level), irql: `runs at ${formatInterval(below.interval)}` },
          explanation: below,
        });
      },
    };
  },
});

function levelOfValue(v: bigint | undefined): Level | undefined {
  return v === undefined ? undefined : levelFromNumber(Number(v));
}
