/**
 * wdm/UnsafeAllocatePool — Microsoft's DDI compliance rule of the same name (PREfast C28751, CodeQL
 * WdkDeprecatedApis): the five allocators deprecated in Windows 10, version 2004 return uninitialised memory.
 * The `…Zero` down-level wrappers and ExAllocatePool2/3 are not reported.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Do not call the deprecated pool allocators, which return uninitialised memory; use ExAllocatePool2/3.',
      url: docsUrl('wdm', 'UnsafeAllocatePool'),
      recommended: 'warn',
      microsoftRule: 'UnsafeAllocatePool',
      prefast: 'C28751',
      codeql: 'cpp/drivers/wdk-deprecated-api',
    },
    messages: {
      deprecatedAllocator:
        '{{callee}} is deprecated since Windows 10, version 2004 and returns uninitialised memory: use {{replacement}} (or {{downlevel}} with POOL_ZERO_DOWN_LEVEL_SUPPORT for older Windows).',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        if (!allocation?.spec.deprecated) return;
        context.report({
          node: node.childForFieldName('function') ?? node,
          messageId: 'deprecatedAllocator',
          data: {
            callee: allocation.spec.name,
            replacement: allocation.spec.replacementHint ?? allocation.spec.replacement ?? 'ExAllocatePool2',
            downlevel: allocation.spec.downlevelReplacement ?? 'ExAllocatePoolZero',
          },
        });
      },
    };
  },
});
