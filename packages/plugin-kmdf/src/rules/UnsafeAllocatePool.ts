/**
 * kmdf/UnsafeAllocatePool — the KMDF twin of Microsoft's UnsafeAllocatePool rule. The check is the WDM one
 * (a KMDF driver calls the same allocators); only its identity and doc page differ.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl, rules as wdmRules } from '@ddi-lint/plugin-wdm';

const wdmRule = wdmRules.UnsafeAllocatePool;

export default defineRule({
  ...wdmRule,
  meta: { ...wdmRule.meta, docs: { ...wdmRule.meta.docs, url: docsUrl('kmdf', 'UnsafeAllocatePool') } },
});
