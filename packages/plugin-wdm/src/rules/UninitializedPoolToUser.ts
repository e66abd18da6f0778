/**
 * wdm/UninitializedPoolToUser — memory from an allocator that does not zero it (the deprecated allocators,
 * POOL_FLAG_UNINITIALIZED, the …Uninitialized wrappers) copied to a user-visible buffer before anything was
 * written into it: whatever the pool held before — kernel pointers, other processes' data — leaks to user mode.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';
import { allocationRelated, whereIs } from '../pool-format.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not copy pool memory that was never zeroed or written to a user-visible buffer.',
      url: docsUrl('wdm', 'UninitializedPoolToUser'),
      recommended: true,
    },
    messages: {
      leak: '{{place}} ({{allocator}} at {{where}}, not zeroed) is copied to the user-visible buffer {{destination}} before it is initialised: kernel memory contents leak to user mode. Allocate with ExAllocatePool2 (zeroed) or zero it first.',
    },
    schema: [],
  },
  create(context) {
    return {
      function_definition(node) {
        const fn = context.functionAt(node);
        if (!fn) return;
        for (const copy of context.allocationFindings(fn).uninitializedCopies) {
          context.report({
            node: copy.call,
            messageId: 'leak',
            data: { place: copy.place, allocator: copy.site.spec.name, where: whereIs(copy.site), destination: copy.destination.replace(/\s+/g, ' ') },
            related: allocationRelated(copy.site),
          });
        }
      },
    };
  },
});
