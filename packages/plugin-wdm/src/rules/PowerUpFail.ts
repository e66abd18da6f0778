/**
 * wdm/PowerUpFail — Microsoft's DDI compliance rule of the same name: a function or filter driver does not fail
 * IRP_MN_SET_POWER while powering up (to PowerSystemWorking or PowerDeviceD0). A failed power-up leaves the stack
 * in a state the power manager cannot recover from; a resource failure there must be handled without failing
 * the IRP (preallocate, or retry later).
 */
import { defineRule, type SyntaxNode } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

/** Status codes that do not fail the IRP. */
const NOT_FAILURES = new Set(['STATUS_SUCCESS', 'STATUS_PENDING', 'STATUS_MORE_PROCESSING_REQUIRED', 'STATUS_CONTINUE_COMPLETION']);

function failureStatus(text: string): string | undefined {
  const t = text.replace(/[()\s]/g, '').replace(/^NTSTATUS/, '');
  return /^STATUS_[A-Z0-9_]+$/.test(t) && !NOT_FAILURES.has(t) ? t : undefined;
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not fail IRP_MN_SET_POWER while powering up.',
      url: docsUrl('wdm', 'PowerUpFail'),
      recommended: true,
      microsoftRule: 'PowerUpFail',
    },
    messages: {
      fails:
        'IRP_MN_SET_POWER is failed with {{status}} on the way up (to {{target}}): a power-up must not fail — preallocate what it needs, or complete it and recover later.',
    },
    schema: [],
  },
  create(context) {
    const check = (node: SyntaxNode, statusText: string) => {
      const status = failureStatus(statusText);
      if (!status) return;
      const power = context.powerContextAt(node);
      if (power?.direction !== 'up') return;
      context.report({
        node,
        messageId: 'fails',
        data: { status, target: power.kind === 'device' ? 'PowerDeviceD0' : 'PowerSystemWorking' },
        explanation: { basis: 'proven', definite: true, interval: { lo: 0, hi: 2 }, steps: power.steps },
      });
    };
    return {
      // Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
      assignment_expression(node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left && right && /IoStatus\s*\.\s*Status$/.test(left.text)) check(node, right.text);
      },
      // return STATUS_INSUFFICIENT_RESOURCES; from the power path
      return_statement(node) {
        const value = node.namedChildren[0];
        if (value) check(node, value.text);
      },
    };
  },
});
