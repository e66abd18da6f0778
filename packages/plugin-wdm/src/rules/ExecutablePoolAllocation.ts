/**
 * wdm/ExecutablePoolAllocation — executable non-paged pool: a POOL_TYPE whose base type (modifiers masked off) is
 * non-paged and not NX (NonPagedPool = NonPagedPoolExecute, NonPagedPoolCacheAligned, and the must-succeed and
 * session forms), or POOL_FLAG_NON_PAGED_EXECUTE. Memory that is both writable and executable is what memory
 * integrity (HVCI) forbids and what an exploit needs.
 *
 * The NX opt-in macros are honoured as the WDK headers apply them: with POOL_NX_OPTIN or POOL_NX_OPTIN_AUTO defined
 * (and not 0) and no POOL_NX_OPTOUT in the file, the *names* NonPagedPool and NonPagedPoolCacheAligned mean their NX
 * forms, also behind `#define`s; an explicit NonPagedPoolExecute, a number, or POOL_FLAG_NON_PAGED_EXECUTE still asks
 * for executable memory and is still reported.
 *
 * A pool argument written exactly `NonPagedPool` gets a suggestion (not a fix: the memory stops being executable)
 * to use NonPagedPoolNx.
 */
import { POOL_FLAG_VALUES, POOL_TYPE_MODIFIERS, type RuleContext, type SyntaxNode, defineRule, evaluateConstant } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

/** Non-paged, executable base types: NonPagedPool(Execute), MustSucceed, CacheAligned, CacheAlignedMustS, and their session forms. */
const EXECUTABLE_TYPES: ReadonlySet<number> = new Set([0, 2, 4, 6, 32, 34, 36, 38]);

const MODIFIER_MASK = BigInt(Object.values(POOL_TYPE_MODIFIERS).reduce((a, b) => a | b, 0));

/** What the opt-in macros make of the names (wdm.h; Microsoft's "NX Pool Opt-In Mechanisms"). */
const OPT_IN_NAMES: Readonly<Record<string, bigint>> = {
  NonPagedPool: 512n, // NonPagedPoolNx
  NonPagedPoolCacheAligned: 516n, // NonPagedPoolNxCacheAligned
};

function isExecutableType(value: bigint): boolean {
  return value >= 0n && EXECUTABLE_TYPES.has(Number(value & ~MODIFIER_MASK));
}

/** Defined, and not defined as 0 (in the sources or in `settings.defines`). */
function enabled(context: RuleContext, macro: string): boolean {
  if (!context.isDefined(macro)) return false;
  const fromSettings = (context.settings.defines as Record<string, unknown> | undefined)?.[macro];
  if (fromSettings !== undefined && String(fromSettings).trim() === '0') return false;
  return context.evaluate(macro) !== 0n;
}

/** The pool argument's value as the NX opt-in sees it: the two names remapped, through `#define` chains too. */
function valueWithOptIn(context: RuleContext, pool: SyntaxNode): bigint | undefined {
  const own = context.program.fileModel(context.filename);
  const files = own ? [own, ...context.program.files.filter((f) => f !== own)] : context.program.files;
  return evaluateConstant(context.sourceCode.getText(pool), (name) => {
    if (name in OPT_IN_NAMES) return OPT_IN_NAMES[name];
    for (const file of files) {
      const value = file.defines.get(name) ?? file.enumConstants.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  });
}

function unparenthesized(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
  return n;
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'Allocate non-executable (NX) non-paged pool: NonPagedPoolNx or POOL_FLAG_NON_PAGED.',
      url: docsUrl('wdm', 'ExecutablePoolAllocation'),
      recommended: 'warn',
    },
    messages: {
      executableType:
        '{{callee}} allocates executable non-paged memory ({{pool}}): memory that is writable and executable lets data be run as code, and drivers must not use it to be compatible with memory integrity (HVCI); use NonPagedPoolNx.',
      executableFlags:
        '{{callee}} allocates executable non-paged memory ({{pool}}): memory that is writable and executable lets data be run as code, and drivers must not use it to be compatible with memory integrity (HVCI); use POOL_FLAG_NON_PAGED.',
      useNonPagedPoolNx: 'Use NonPagedPoolNx (non-executable).',
    },
    hasSuggestions: true,
    schema: [],
  },
  create(context) {
    const own = context.program.fileModel(context.filename);
    const optedIn =
      (enabled(context, 'POOL_NX_OPTIN_AUTO') || enabled(context, 'POOL_NX_OPTIN')) && !(own?.defines.has('POOL_NX_OPTOUT') && context.evaluate('POOL_NX_OPTOUT') !== 0n);
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const pool = allocation?.poolArgument;
        const value = allocation?.poolValue;
        if (!allocation || !pool || value === undefined) return;
        const data = { callee: allocation.spec.name, pool: context.sourceCode.getText(pool).replace(/\s+/g, ' ') };

        if (allocation.spec.pool.kind === 'flags') {
          if ((value & POOL_FLAG_VALUES.POOL_FLAG_NON_PAGED_EXECUTE) === 0n) return;
          context.report({ node: pool, messageId: 'executableFlags', data });
          return;
        }

        if (!isExecutableType(value)) return;
        if (optedIn) {
          const remapped = valueWithOptIn(context, pool);
          if (remapped === undefined || !isExecutableType(remapped)) return;
        }
        const written = unparenthesized(pool);
        context.report({
          node: pool,
          messageId: 'executableType',
          data,
          suggest:
            written.type === 'identifier' && written.text === 'NonPagedPool'
              ? [{ messageId: 'useNonPagedPoolNx', fix: (fixer) => fixer.replaceText(written, 'NonPagedPoolNx') }]
              : undefined,
        });
      },
    };
  },
});
