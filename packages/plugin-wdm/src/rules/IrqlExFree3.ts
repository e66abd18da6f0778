/**
 * wdm/IrqlExFree3 — Microsoft's DDI compliance rule of the same name, for any pool memory: freed at
 * IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.
 */
import { docsUrl } from '../docs-url.js';
import { createIrqlExFreeRule } from '../irql-ex-free.js';

export default createIrqlExFreeRule({
  tracks: () => true,
  checkAboveDispatch: true,
  docs: {
    description: 'Free any pool memory only at IRQL <= DISPATCH_LEVEL, and at DISPATCH_LEVEL only when it is non-paged.',
    url: docsUrl('wdm', 'IrqlExFree3'),
    recommended: true,
    microsoftRule: 'IrqlExFree3',
    prefast: 'C28121',
  },
});
