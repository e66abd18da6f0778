/**
 * wdm/PoolAllocationNotChecked — the result of an allocator that returns NULL on failure, dereferenced or passed on
 * before it is checked. Allocations that raise on failure (POOL_FLAG_RAISE_ON_FAILURE,
 * POOL_RAISE_IF_ALLOCATION_FAILURE, quota allocations without POOL_QUOTA_FAIL_INSTEAD_OF_RAISE) are exempt.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';
import { allocationRelated, whereIs } from '../pool-format.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Check the result of a pool allocation for NULL before using it.',
      url: docsUrl('wdm', 'PoolAllocationNotChecked'),
      recommended: true,
      prefast: 'C6011',
    },
    messages: {
      dereference: '{{place}} is dereferenced before it is checked for NULL: {{allocator}} ({{where}}) returns NULL when the allocation fails.',
      argument: '{{place}} is passed on before it is checked for NULL: {{allocator}} ({{where}}) returns NULL when the allocation fails.',
    },
    schema: [],
  },
  create(context) {
    return {
      function_definition(node) {
        const fn = context.functionAt(node);
        if (!fn) return;
        for (const use of context.allocationFindings(fn).uncheckedUses) {
          context.report({
            node: use.use,
            messageId: use.kind,
            data: { place: use.place, allocator: use.site.spec.name, where: whereIs(use.site) },
            related: allocationRelated(use.site),
          });
        }
      },
    };
  },
});
