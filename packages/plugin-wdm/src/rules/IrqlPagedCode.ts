/**
 * wdm/IrqlPagedCode — pageable code (`PAGED_CODE()`, `#pragma alloc_text(PAGE…)`) that can run at DISPATCH_LEVEL or
 * above: when its page is not resident the system bug checks (0xD1 / 0xA). CodeQL's driver queries treat paged
 * functions as max APC_LEVEL; this rule checks that the callers and contracts agree.
 */
import { Level, defineRule, formatInterval } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Pageable code must not run at DISPATCH_LEVEL or above.',
      url: docsUrl('wdm', 'IrqlPagedCode'),
      recommended: true,
      codeql: 'cpp/drivers/irql-too-high',
    },
    messages: {
      pagedAtDispatch:
        '{{fn}} is pageable ({{why}}) but {{irql}}: pageable code must run below DISPATCH_LEVEL (bug check 0xD1 when its page is out). Move it to non-paged code or fix the caller.',
    },
    schema: [],
  },
  create(context) {
    return {
      function_definition(node) {
        const fn = context.functionAt(node);
        if (!fn) return;
        const paged = context.pageable(fn);
        if (!paged) return;
        const explanation = context.irqlOnEntry(fn).above(Level.Apc);
        if (!explanation) return;
        const marker = paged.steps[0];
        const inThisFunction = marker.source === fn.source && marker.start >= fn.node.startIndex && marker.end <= fn.node.endIndex;
        context.report({
          ...(inThisFunction ? { range: { start: marker.start, end: marker.end } } : { node: fn.nameNode }),
          messageId: 'pagedAtDispatch',
          data: {
            fn: fn.name,
            why: fn.pagedCode ? 'PAGED_CODE()' : /code_seg/.test(marker.message) ? '#pragma code_seg(PAGE…)' : '#pragma alloc_text(PAGE…)',
            irql: `${explanation.definite ? 'runs at' : 'may run at'} ${formatInterval(explanation.interval)}`,
          },
          explanation,
        });
      },
    };
  },
});
