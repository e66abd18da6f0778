/**
 * wdm/IrqlExAllocatePool — Microsoft's DDI compliance rule of the same name: a pool allocation runs at
 * IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL it must ask for non-paged memory.
 */
import { type Explanation, Level, defineRule, formatInterval } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

function describeIrql(e: Explanation): string {
  return `${e.definite ? 'runs at' : 'may run at'} ${formatInterval(e.interval)}`;
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Allocate pool only at IRQL <= DISPATCH_LEVEL, and only non-paged pool at DISPATCH_LEVEL.',
      url: docsUrl('wdm', 'IrqlExAllocatePool'),
      recommended: true,
      microsoftRule: 'IrqlExAllocatePool',
      prefast: 'C28121',
      codeql: 'cpp/drivers/irql-too-high',
    },
    messages: {
      aboveDispatch:
        '{{callee}} is called where the code {{irql}}: pool allocation requires IRQL <= DISPATCH_LEVEL (bug check 0xC4 / 0xA).',
      pagedAtDispatch:
        '{{callee}} allocates paged pool ({{pool}}) where the code {{irql}}: at DISPATCH_LEVEL and above only non-paged pool may be allocated (bug check 0xC4 / 0xA).',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        if (!allocation) return;
        const irql = context.irqlAt(node);
        if (!irql) return;
        const callee = allocation.spec.name;
        // A paged allocation is wrong at DISPATCH_LEVEL and above: say so in the paged terms.
        const tooHighForPaged = allocation.paged ? irql.above(Level.Apc) : undefined;
        if (tooHighForPaged) {
          context.report({
            node,
            messageId: 'pagedAtDispatch',
            data: {
              callee,
              pool: context.sourceCode.getText(allocation.poolArgument).replace(/\s+/g, ' '),
              irql: describeIrql(tooHighForPaged),
            },
            explanation: tooHighForPaged,
          });
          return;
        }
        const aboveDispatch = irql.above(Level.Dispatch);
        if (!aboveDispatch) return;
        context.report({ node, messageId: 'aboveDispatch', data: { callee, irql: describeIrql(aboveDispatch) }, explanation: aboveDispatch });
      },
    };
  },
});
