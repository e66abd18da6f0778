/**
 * wdm/PoolTagMismatch — ExFreePoolWithTag with a tag other than the one the memory was allocated with: with
 * Driver Verifier the system bug checks (0xC2), and tag-based leak tracking is wrong either way.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';
import { allocationRelated, formatTag, whereIs } from '../pool-format.js';

/** PROTECTED_POOL, OR-ed into a tag, is not part of the tag's name. */
const PROTECTED_POOL = 0x80000000n;

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Free pool with the tag it was allocated with.',
      url: docsUrl('wdm', 'PoolTagMismatch'),
      recommended: true,
    },
    messages: {
      mismatch: 'ExFreePoolWithTag frees with tag {{freeTag}} memory allocated with tag {{allocTag}} by {{allocator}} at {{where}} (bug check 0xC2 under Driver Verifier).',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        if (context.calleeName(node) !== 'ExFreePoolWithTag') return;
        const pointer = context.argument(node, 0);
        const tagArg = context.argument(node, 1);
        const freeTag = tagArg ? context.evaluate(tagArg) : undefined;
        if (!pointer || freeTag === undefined) return;
        const sites = context.allocationsReaching(pointer).filter((s) => s.spec.tagArg !== undefined);
        // Report only when every allocation that can reach here has a known tag, and none matches.
        if (!sites.length || sites.some((s) => s.tag === undefined || (s.tag & ~PROTECTED_POOL) === (freeTag & ~PROTECTED_POOL))) return;
        const site = sites[0];
        context.report({
          node: tagArg!,
          messageId: 'mismatch',
          data: { freeTag: formatTag(freeTag & ~PROTECTED_POOL), allocTag: formatTag(site.tag! & ~PROTECTED_POOL), allocator: site.spec.name, where: whereIs(site) },
          related: allocationRelated(site),
        });
      },
    };
  },
});
