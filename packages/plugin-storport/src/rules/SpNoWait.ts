/**
 * storport/SpNoWait — Microsoft's StorPort DDI compliance rule of the same name: HwStorStartIo (and everything
 * it calls) must not wait, stall or allocate. StorPort calls it with the StartIo lock (or the interrupt lock)
 * held, at DISPATCH_LEVEL or above.
 */
import { STARTIO_ALLOCATION_DDIS, STARTIO_WAIT_DDIS, defineRule, onlyInDumpMode } from '@ddi-lint/core';
import { docsUrl } from '@ddi-lint/plugin-wdm';
import { startIoRoutines } from '../startio.js';

const WAITS = new Set(STARTIO_WAIT_DDIS);
const ALLOCATIONS = new Set(STARTIO_ALLOCATION_DDIS);

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'HwStorStartIo must not wait, stall or allocate memory, directly or in the functions it calls.',
      url: docsUrl('storport', 'SpNoWait'),
      recommended: true,
      microsoftRule: 'SpNoWait',
    },
    messages: {
      wait: '{{callee}} waits or stalls inside HwStorStartIo ({{root}}), which runs with a StorPort spin lock held: defer the work (StorPortRequestTimer, a DPC or a work item).',
      allocation: '{{callee}} allocates memory inside HwStorStartIo ({{root}}): allocate in HwStorBuildIo or at initialization (for example per-SRB extension memory).',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const callee = context.calleeName(node);
        const messageId = callee && WAITS.has(callee) ? 'wait' : callee && ALLOCATIONS.has(callee) ? 'allocation' : undefined;
        if (!messageId) return;
        // In the crash-dump or hibernation path there are no timers: polling with stalls is how a miniport waits.
        if (messageId === 'wait' && onlyInDumpMode(context.enclosingConditions(node))) return;
        const reached = context.reachedFrom(startIoRoutines(context), node);
        if (!reached) return;
        context.report({ node, messageId, data: { callee: callee!, root: reached.root.name }, explanation: reached.explanation });
      },
    };
  },
});
