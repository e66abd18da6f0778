/**
 * wdm/PoolZeroSizeAllocation — a pool allocation of 0 bytes: the size argument of any allocator is 0, or a constant
 * expression that evaluates to 0 (through `#define`s, casts and arithmetic). Driver Verifier stops the system on such
 * a request (bug check 0xC4, parameter 1 = 0x0) and ExAllocatePool2/3 document the size as non-zero. A `sizeof`, a
 * variable or anything else that is not constant is never reported.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not allocate pool of zero bytes.',
      url: docsUrl('wdm', 'PoolZeroSizeAllocation'),
      recommended: true,
    },
    messages: {
      zeroSize:
        '{{callee}} is asked for 0 bytes{{how}}: a zero-byte pool allocation is a defect that Driver Verifier stops the system for (bug check 0xC4, parameter 0x0), usually a length that was never set; allocate the size the code actually uses, or skip the allocation.',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const size = allocation?.sizeArgument;
        if (!size || context.evaluate(size) !== 0n) return;
        const text = context.sourceCode.getText(size).replace(/\s+/g, ' ');
        context.report({
          node: size,
          messageId: 'zeroSize',
          data: { callee: allocation.spec.name, how: text === '0' ? '' : ` (${text} is 0)` },
        });
      },
    };
  },
});
