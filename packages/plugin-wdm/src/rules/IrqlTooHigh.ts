/**
 * wdm/IrqlTooHigh — PREfast C28121 / CodeQL IrqlTooHigh: a DDI (or a project function annotated with an IRQL
 * bound) called where the IRQL may be above what it allows. WDF DDIs are kmdf/KmdfIrql's; pool allocators are
 * wdm/IrqlExAllocatePool's.
 */
import { docsUrl } from '../docs-url.js';
import { createIrqlRangeRule, isPoolAllocator } from '../irql-range.js';

export default createIrqlRangeRule({
  bound: 'max',
  appliesTo: (b) => (b.kind === 'project' || !b.header?.startsWith('wdf')) && !isPoolAllocator(b),
  docs: {
    description: 'Call a DDI only at or below the highest IRQL it allows.',
    url: docsUrl('wdm', 'IrqlTooHigh'),
    recommended: true,
    prefast: 'C28121',
    codeql: 'cpp/drivers/irql-too-high',
  },
});
