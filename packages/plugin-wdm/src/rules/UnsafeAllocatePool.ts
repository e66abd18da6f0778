/**
 * wdm/UnsafeAllocatePool — Microsoft's DDI compliance rule of the same name (PREfast C28751, CodeQL
 * WdkDeprecatedApis): the five allocators deprecated in Windows 10, version 2004 return uninitialised memory.
 * The `…Zero` down-level wrappers and ExAllocatePool2/3 are not reported.
 *
 * `--fix` migrates a call when the rewrite is unambiguous (a constant pool type with one mapping, a tag present or
 * the `defaultTag` option set) and offers suggestions when it is not (NonPagedPool: keep it executable, or take NX);
 * a `RtlZeroMemory`/`memset(…, 0, …)` of the same place and size that the new allocator makes redundant goes too.
 */
import { defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';
import { type MigrationTarget, type Rewrite, planMigration, redundantZeroing, statementLineRange } from '../pool-migration.js';

type Options = [{ target?: MigrationTarget; defaultTag?: string }?];

export default defineRule<Options>({
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
      migrate: 'Use {{callee}}({{pool}}, …){{zeroing}}',
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          target: { enum: ['win10-2004', 'downlevel'] },
          defaultTag: { type: 'string', description: "Tag for untagged calls, as C text: \"'gaTD'\" or a macro name" },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{ target: 'win10-2004' }],
  create(context) {
    const { target = 'win10-2004', defaultTag } = context.options[0] ?? {};
    // POOL_NX_OPTIN_AUTO (and POOL_NX_OPTIN, with ExInitializeDriverRuntime) make NonPagedPool mean NX.
    const nxOptInAuto = context.isDefined('POOL_NX_OPTIN_AUTO') || context.isDefined('POOL_NX_OPTIN');
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        // A use of a project macro that expands to the allocator: reported once, on the #define, where the fix goes.
        if (!allocation?.spec.deprecated || allocation.macro) return;
        const calleeNode = node.childForFieldName('function') ?? node;
        const plan = planMigration({ spec: allocation.spec, poolValue: allocation.poolValue, target, defaultTag, nxOptInAuto });
        const zeroing = allocation.sizeArgument ? redundantZeroing(node, allocation.sizeArgument.text) : undefined;
        const rewrite = (r: Rewrite) => (fixer: Parameters<NonNullable<Parameters<typeof context.report>[0]['fix']>>[0]) => {
          const fixes = [fixer.replaceText(calleeNode, r.callee)];
          if (r.pool && allocation.poolArgument) fixes.push(fixer.replaceText(allocation.poolArgument, r.pool));
          if (r.appendTag && allocation.sizeArgument) fixes.push(fixer.insertTextAfter(allocation.sizeArgument, `, ${r.appendTag}`));
          if (zeroing) fixes.push(fixer.removeRange(statementLineRange(context.sourceCode.text, zeroing)));
          return fixes;
        };
        const describe = (r: Rewrite) => ({
          callee: r.callee,
          pool: r.pool ?? context.sourceCode.getText(allocation.poolArgument),
          zeroing: zeroing ? ' and drop the RtlZeroMemory it makes redundant' : '',
        });
        context.report({
          node: calleeNode,
          messageId: 'deprecatedAllocator',
          data: {
            callee: allocation.spec.name,
            replacement: allocation.spec.replacementHint ?? allocation.spec.replacement ?? 'ExAllocatePool2',
            downlevel: allocation.spec.downlevelReplacement ?? 'ExAllocatePoolZero',
          },
          fix: plan.kind === 'fix' ? rewrite(plan.rewrite) : undefined,
          suggest: plan.kind === 'choices' ? plan.rewrites.map((r) => ({ messageId: 'migrate', data: describe(r), fix: rewrite(r) })) : undefined,
        });
      },
    };
  },
});
