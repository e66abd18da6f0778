/**
 * wdm/IrqlExFree2 — Microsoft's DDI compliance rule of the same name, for memory allocated by ExAllocatePoolWithTagPriority: freed at
 * IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.
 */
import { docsUrl } from '../docs-url.js';
import { createIrqlExFreeRule } from '../irql-ex-free.js';

export default createIrqlExFreeRule({
  tracks: (site) => site.spec.name === 'ExAllocatePoolWithTagPriority',
  checkAboveDispatch: false,
  docs: {
    description: 'Free memory allocated by ExAllocatePoolWithTagPriority only at IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.',
    url: docsUrl('wdm', 'IrqlExFree2'),
    recommended: false,
    microsoftRule: 'IrqlExFree2',
    prefast: 'C28121',
  },
});
