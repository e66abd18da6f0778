/**
 * kmdf/KmdfIrql — the IRQL range check for WDF DDIs (both bounds): WdfWaitLockAcquire without a timeout at
 * DISPATCH_LEVEL, a PASSIVE_LEVEL-only WDF call under a WDF spin lock, and so on.
 */
import { createIrqlRangeRule, docsUrl } from '@ddi-lint/plugin-wdm';

export const KmdfIrql = createIrqlRangeRule({
  bound: 'both',
  appliesTo: (b) => b.kind === 'ddi' && (b.header?.startsWith('wdf') ?? false),
  docs: {
    description: 'Call a WDF DDI only within the IRQL range it allows.',
    url: docsUrl('kmdf', 'KmdfIrql'),
    recommended: true,
    microsoftRule: 'KmdfIrql',
    prefast: 'C28121',
  },
});

export default KmdfIrql;
