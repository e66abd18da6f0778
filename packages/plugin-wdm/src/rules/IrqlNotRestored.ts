/**
 * wdm/IrqlNotRestored — a function that raises the IRQL (takes a spin lock, calls KeRaiseIrql) and can return
 * without restoring it, unless it says so (`_IRQL_raises_`, `_IRQL_saves_global_`, `_Acquires_lock_`). PREfast
 * reports the same class of bug as C28167 / C28158.
 */
import { defineRule, formatInterval } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'A function that raises the IRQL restores it on every path back to its caller.',
      url: docsUrl('wdm', 'IrqlNotRestored'),
      recommended: true,
      prefast: 'C28167',
      codeql: 'cpp/drivers/irql-function-not-annotated',
    },
    messages: {
      notRestored:
        '{{fn}} can return with the IRQL still raised to {{level}} here: release or restore it on every path, or annotate {{fn}} with _IRQL_raises_ / _Acquires_lock_ if that is its purpose.',
    },
    schema: [],
  },
  create(context) {
    return {
      function_definition(node) {
        const fn = context.functionAt(node);
        if (!fn) return;
        const seen = new Set<number>();
        for (const raise of context.unrestoredRaises(fn)) {
          // Report at the step inside this function: the raise itself, or the call that returned with it.
          const own = [...raise.steps].reverse().find((s) => s.source === fn.source && s.start >= fn.node.startIndex && s.end <= fn.node.endIndex);
          if (!own || seen.has(own.start)) continue;
          seen.add(own.start);
          context.report({
            range: { start: own.start, end: own.end },
            messageId: 'notRestored',
            data: { fn: fn.name, level: formatInterval(raise.interval) },
            explanation: { basis: 'proven', definite: false, interval: raise.interval, steps: raise.steps },
          });
        }
      },
    };
  },
});
