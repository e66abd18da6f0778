/**
 * storport/HwStorPortProhibitedDDIs — Microsoft's StorPort rule of the same name: a physical StorPort miniport
 * calls none of the 351 WDM DDIs on Microsoft's list; it uses StorPort's own routines. Virtual miniports
 * (VIRTUAL_HW_INITIALIZATION_DATA) are exempt.
 */
import { STORPORT_EQUIVALENTS, defineRule, storportProhibitedDdis } from '@ddi-lint/core';
import { docsUrl } from '@ddi-lint/plugin-wdm';
import { isVirtualMiniport } from '../startio.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'A physical StorPort miniport must not call the WDM DDIs StorPort prohibits; use the StorPort equivalents.',
      url: docsUrl('storport', 'HwStorPortProhibitedDDIs'),
      recommended: true,
      microsoftRule: 'HwStorPortProhibitedDDIs',
    },
    messages: {
      prohibited: '{{callee}} must not be called by a physical StorPort miniport{{instead}}.',
    },
    schema: [],
  },
  create(context) {
    if (context.driverModel !== 'storport') return {};
    const prohibited = storportProhibitedDdis();
    return {
      call_expression(node) {
        const callee = context.calleeName(node);
        if (!callee || !prohibited.has(callee) || isVirtualMiniport(context)) return;
        const equivalent = STORPORT_EQUIVALENTS[callee];
        context.report({ node: node.childForFieldName('function') ?? node, messageId: 'prohibited', data: { callee, instead: equivalent ? `: use ${equivalent}` : '' } });
      },
    };
  },
});
