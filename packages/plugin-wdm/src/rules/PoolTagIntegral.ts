/**
 * wdm/PoolTagIntegral — PREfast C28134, CodeQL PoolTagIntegral: a string literal (`"Tag1"`, `L"Tag1"`, a
 * concatenation) where an allocator's ULONG tag belongs, written there or behind a `#define`, through parentheses and
 * casts. The tag becomes the low bits of the string's address. A tag computed by a call from a string, or a string
 * held in a variable, is not reported (the rule sees no types).
 */
import { type RuleContext, type SyntaxNode, callArguments as argumentsOf, defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

const STRING_NODES = new Set(['string_literal', 'concatenated_string']);

/**
 * The expression under parentheses and casts. tree-sitter reads `(ULONG)("Tag1")` as a call of `(ULONG)`: a
 * parenthesised bare type name applied to one argument is taken as the cast it is.
 */
function stripped(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else if (n.type === 'call_expression' && isParenthesizedName(n.childForFieldName('function')) && argumentsOf(n).length === 1) n = argumentsOf(n)[0];
    else return n;
  }
}

function isParenthesizedName(node: SyntaxNode | null): boolean {
  return node?.type === 'parenthesized_expression' && node.namedChildCount === 1 && node.namedChildren[0].type === 'identifier';
}

/** A `#define` body that is a string literal, under parentheses and casts: `"Tag1"`, `(L"Tag1")`, `(PCSTR)"Tag1"`. */
const STRING_BODY = /^(?:\s*\(\s*(?:[A-Za-z_]\w*\s*\**\s*\)\s*)?)*\s*(?:L|u8|u|U)?"/;

/** Whether a macro name stands for a string literal, through `#define` chains. */
function definesString(context: RuleContext, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const own = context.program.fileModel(context.filename);
  const files = own ? [own, ...context.program.files.filter((f) => f !== own)] : context.program.files;
  const body = files.map((f) => f.defines.get(name)).find((b) => b !== undefined)?.trim();
  if (body === undefined) return false;
  if (STRING_BODY.test(body)) return true;
  const alias = /^\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(body);
  return alias ? definesString(context, alias[1], seen) : false;
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: "Write a pool tag as a character constant in single quotes ('gaTx'), not as a string.",
      url: docsUrl('wdm', 'PoolTagIntegral'),
      recommended: true,
      prefast: 'C28134',
      codeql: 'cpp/drivers/pool-tag-integral',
    },
    messages: {
      stringTag:
        "{{callee}} is given a string as its pool tag ({{tag}}): the tag is a ULONG, so the low bits of the string's address become the tag and no tool can match the memory to the driver; write the tag as a character constant in single quotes, such as 'gaTx'.",
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node) {
        const allocation = context.allocatorCall(node);
        const tag = allocation?.tagArgument;
        if (!allocation || !tag) return;
        const inner = stripped(tag);
        if (!STRING_NODES.has(inner.type) && !(inner.type === 'identifier' && definesString(context, inner.text))) return;
        context.report({
          node: tag,
          messageId: 'stringTag',
          data: { callee: allocation.spec.name, tag: context.sourceCode.getText(tag).replace(/\s+/g, ' ') },
        });
      },
    };
  },
});
