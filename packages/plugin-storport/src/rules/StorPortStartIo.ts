/**
 * storport/StorPortStartIo — Microsoft's StorPort rule of the same name: HwStorStartIo does no time-consuming
 * work (no allocation: that belongs in HwStorBuildIo), and a StorPortStallExecution in it stays under 1 ms.
 */
import { STARTIO_ALLOCATION_DDIS, defineRule } from '@ddi-lint/core';
import { docsUrl } from '@ddi-lint/plugin-wdm';
import { startIoRoutines } from '../startio.js';

const ALLOCATIONS = new Set(STARTIO_ALLOCATION_DDIS);
/** StorPortStallExecution takes microseconds. */
const MAX_STALL_MICROSECONDS = 1000n;

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'HwStorStartIo must not allocate memory, and must not stall for 1 ms or more.',
      url: docsUrl('storport', 'StorPortStartIo'),
      // Its allocation half is SpNoWait's too, so it is in `strict`, not `recommended`.
      recommended: 'strict',
      microsoftRule: 'StorPortStartIo',
    },
    messages: {
      allocation: '{{callee}} allocates memory inside HwStorStartIo ({{root}}): do time-consuming work such as allocation in HwStorBuildIo.',
      longStall: 'StorPortStallExecution({{micros}}) stalls for {{micros}} µs inside HwStorStartIo ({{root}}): a stall there must stay under 1000 µs.',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const callee = context.calleeName(node);
        if (!callee) return;
        const isAllocation = ALLOCATIONS.has(callee);
        let micros: bigint | undefined;
        if (callee === 'StorPortStallExecution') {
          const arg = context.argument(node, 0);
          micros = arg ? context.evaluate(arg) : undefined;
          if (micros === undefined || micros < MAX_STALL_MICROSECONDS) return;
        } else if (!isAllocation) return;
        const reached = context.reachedFrom(startIoRoutines(context), node);
        if (!reached) return;
        context.report({
          node,
          messageId: isAllocation ? 'allocation' : 'longStall',
          data: { callee, root: reached.root.name, micros: String(micros ?? '') },
          explanation: reached.explanation,
        });
      },
    };
  },
});
