/**
 * wdm/IrqlExFree1 — Microsoft's DDI compliance rule of the same name, for memory allocated by ExAllocatePool / ExAllocatePoolWithTag: freed at
 * IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.
 */
import { docsUrl } from '../docs-url.js';
import { createIrqlExFreeRule } from '../irql-ex-free.js';

export default createIrqlExFreeRule({
  tracks: (site) => site.spec.name === 'ExAllocatePoolWithTag' || site.spec.name === 'ExAllocatePool',
  checkAboveDispatch: false,
  docs: {
    description: 'Free memory allocated by ExAllocatePool / ExAllocatePoolWithTag only at IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.',
    url: docsUrl('wdm', 'IrqlExFree1'),
    recommended: false,
    microsoftRule: 'IrqlExFree1',
    prefast: 'C28121',
  },
});
