/**
 * wdm/PoolTagZero — ExAllocatePool2 or ExAllocatePool3 with a tag that is, or evaluates to, 0: both reject a zero
 * tag, so the allocation always fails (NULL, or an exception with POOL_FLAG_RAISE_ON_FAILURE). The older allocators
 * accept a zero tag and are not reported; a tag that is not constant is not reported.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not pass tag 0 to ExAllocatePool2/3, which then always fail.',
      url: docsUrl('wdm', 'PoolTagZero'),
      recommended: true,
    },
    messages: {
      zeroTag:
        "{{callee}} is given the tag 0{{how}}: ExAllocatePool2 and ExAllocatePool3 reject a zero tag, so this allocation always fails (returns NULL, or raises with POOL_FLAG_RAISE_ON_FAILURE); use a non-zero tag of the driver's own, such as 'gaTx'.",
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const tag = allocation?.tagArgument;
        if (!allocation || !tag || allocation.spec.pool.kind !== 'flags' || context.evaluate(tag) !== 0n) return;
        const text = context.sourceCode.getText(tag).replace(/\s+/g, ' ');
        context.report({
          node: tag,
          messageId: 'zeroTag',
          data: { callee: allocation.spec.name, how: text === '0' ? '' : ` (${text} is 0)` },
        });
      },
    };
  },
});
