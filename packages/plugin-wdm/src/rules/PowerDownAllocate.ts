/**
 * wdm/PowerDownAllocate — Microsoft's DDI compliance rule of the same name: a function or filter driver does not
 * allocate pool while it handles IRP_MN_SET_POWER for a system power-down (SystemState beyond
 * PowerSystemWorking). The system may be short of memory and paging may already be off; an allocation there can
 * fail or stall the transition.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not allocate pool while handling IRP_MN_SET_POWER for a system power-down.',
      url: docsUrl('wdm', 'PowerDownAllocate'),
      recommended: true,
      microsoftRule: 'PowerDownAllocate',
    },
    messages: {
      allocation:
        '{{callee}} allocates pool while handling IRP_MN_SET_POWER for a system power-down: allocate what the transition needs earlier (at start or on the way up), not on the way down.',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        if (!allocation) return;
        const power = context.powerContextAt(node);
        if (power?.direction !== 'down' || power.kind === 'device') return;
        context.report({
          node,
          messageId: 'allocation',
          data: { callee: allocation.spec.name },
          explanation: { basis: 'proven', definite: true, interval: { lo: 0, hi: 2 }, steps: power.steps },
        });
      },
    };
  },
});
