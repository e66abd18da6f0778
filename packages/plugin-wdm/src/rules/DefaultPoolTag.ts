/**
 * wdm/DefaultPoolTag — PREfast C28147, CodeQL DefaultPoolTag: an allocation tagged with one of the default tags
 * `' mdW'` or `' kdD'`. The tag's value decides (multi-character constants pack big-endian: `' mdW'` = 0x206d6457),
 * so a `#define`, a cast or a number is caught as well as the literal. ExAllocatePool and ExAllocatePoolWithQuota,
 * which take no tag and so use the default one, are reported only with `{ reportUntagged: true }`:
 * wdm/UnsafeAllocatePool already reports every call to them.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';
import { formatTag } from '../pool-format.js';

type Options = [{ reportUntagged?: boolean }?];

/** The default tags, by value: ' mdW' (Windows Driver Model) and ' kdD' (Driver Development Kit). */
const DEFAULT_TAGS: ReadonlySet<bigint> = new Set([0x206d6457n, 0x206b6444n]);

export default defineRule<Options>({
  meta: {
    type: 'problem',
    docs: {
      description: "Tag pool allocations with a tag of the driver's own, not the default ' mdW' or ' kdD'.",
      url: docsUrl('wdm', 'DefaultPoolTag'),
      recommended: true,
      prefast: 'C28147',
      codeql: 'cpp/drivers/default-pool-tag',
    },
    messages: {
      defaultTag:
        "{{callee}} tags the allocation with the default tag {{tag}}{{via}}: pool use is tracked by tag, so memory under a default tag cannot be told apart from other drivers' in PoolMon, !poolused or Driver Verifier; use a tag of the driver's own, one per allocation site.",
      untagged:
        "{{callee}} takes no tag, so its allocations carry the default pool tag and cannot be told apart from other drivers' in PoolMon, !poolused or Driver Verifier; use {{replacement}} with a tag of the driver's own.",
    },
    schema: [
      {
        type: 'object',
        properties: {
          reportUntagged: {
            type: 'boolean',
            default: false,
            description: 'Also report ExAllocatePool and ExAllocatePoolWithQuota, which tag with the default tag.',
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ reportUntagged: false }],
  create(context) {
    const reportUntagged = context.options[0]?.reportUntagged === true;
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        if (!allocation) return;
        const callee = allocation.spec.name;
        if (allocation.spec.tagArg === undefined) {
          if (!reportUntagged) return;
          context.report({
            node: node.childForFieldName('function') ?? node,
            messageId: 'untagged',
            data: { callee, replacement: allocation.spec.replacement ?? 'ExAllocatePool2' },
          });
          return;
        }
        const tagArgument = allocation.tagArgument;
        const tag = tagArgument ? context.evaluate(tagArgument) : undefined;
        if (!tagArgument || tag === undefined || !DEFAULT_TAGS.has(tag)) return;
        const written = context.sourceCode.getText(tagArgument).replace(/\s+/g, ' ');
        const shown = formatTag(tag);
        context.report({
          node: tagArgument,
          messageId: 'defaultTag',
          data: { callee, tag: shown, via: written === shown ? '' : ` (${written})` },
        });
      },
    };
  },
});
