/**
 * wdm/IrqlTooLow — PREfast C28120 / CodeQL IrqlTooLow: a DDI that needs a minimum IRQL (KeAcquireSpinLockAtDpcLevel,
 * KeReleaseSpinLock, …) or a project function annotated `_IRQL_requires_min_`, called where the IRQL may be lower.
 */
import { docsUrl } from '../docs-url.js';
import { createIrqlRangeRule, isPoolAllocator } from '../irql-range.js';

export default createIrqlRangeRule({
  bound: 'min',
  appliesTo: (b) => (b.kind === 'project' || !b.header?.startsWith('wdf')) && !isPoolAllocator(b),
  docs: {
    description: 'Call a DDI only at or above the lowest IRQL it requires.',
    url: docsUrl('wdm', 'IrqlTooLow'),
    recommended: true,
    prefast: 'C28120',
    codeql: 'cpp/drivers/irql-too-low',
  },
});
