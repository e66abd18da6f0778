/**
 * Suppressions: parsed in one place (here), applied in one place (`applyDirectives`).
 *
 * ddi-lint's own comments, as ESLint's:
 *   // ddi-lint-disable-next-line wdm/IrqlExAllocatePool -- reason
 *   foo(); // ddi-lint-disable-line wdm/UnsafeAllocatePool
 *   /* ddi-lint-disable wdm/UnsafeAllocatePool *\/ … /* ddi-lint-enable wdm/UnsafeAllocatePool *\/
 * (no rule list means every rule), and the suppressions driver code already has for PREfast:
 *   #pragma warning(suppress: 28121)        the next line, for rules that carry that PREfast number
 *   #pragma warning(disable: 28751 28121)   from here on (until `default`/`pop` or the end of the file)
 */
import type { ParsedSource, SyntaxNode } from '../frontend/parser.js';
import { forEachNode } from '../frontend/syntax-tree.js';

export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable' | 'pragma-suppress' | 'pragma-disable' | 'pragma-default';

export interface Directive {
  readonly kind: DirectiveKind;
  /** Rule ids, or PREfast numbers for pragmas; empty = every rule. */
  readonly targets: readonly string[];
  readonly justification?: string;
  /** 1-based line of the directive itself. */
  readonly line: number;
  readonly column: number;
  readonly start: number;
  readonly end: number;
}

const COMMENT_DIRECTIVE = /^\s*ddi-lint-(disable-next-line|disable-line|disable|enable)(?=\s|$)(.*)$/s;

function parseTargets(rest: string): { targets: string[]; justification?: string } {
  const [list, ...reason] = rest.split(/\s--\s|\s--$/);
  const targets = list
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const justification = reason.join(' -- ').trim() || undefined;
  return { targets, justification };
}

/** The nodes a suppression directive can be written in. */
const DIRECTIVE_CARRIERS: ReadonlySet<string> = new Set(['comment', 'preproc_call']);

/**
 * Every suppression directive in a file, in source order. `candidates` are the comment and `#pragma` nodes to
 * look at (the file model collects them in its one walk); without them the whole tree is walked.
 */
export function parseDirectives(source: ParsedSource, candidates?: readonly SyntaxNode[]): Directive[] {
  const out: Directive[] = [];
  const nodes: SyntaxNode[] = [];
  if (candidates) nodes.push(...[...candidates].sort((a, b) => a.startIndex - b.startIndex));
  else forEachNode(source.root, (node) => nodes.push(node), DIRECTIVE_CARRIERS);
  for (const node of nodes) {
    if (node.type === 'comment') {
      const text = node.text.startsWith('//') ? node.text.slice(2) : node.text.replace(/^\/\*/, '').replace(/\*\/$/, '');
      const m = COMMENT_DIRECTIVE.exec(text);
      if (!m) continue;
      const { targets, justification } = parseTargets(m[2]);
      out.push({
        kind: m[1] as DirectiveKind,
        targets,
        justification,
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        start: node.startIndex,
        end: node.endIndex,
      });
    } else if (node.type === 'preproc_call' && node.childForFieldName('directive')?.text === '#pragma') {
      const arg = node.childForFieldName('argument')?.text ?? '';
      const warning = /^\s*warning\s*\((.*)\)\s*$/s.exec(arg);
      if (!warning) continue;
      // warning(suppress: 28121) / warning(disable: 28751 28121; once: 1234) / warning(default: 28121)
      for (const clause of warning[1].split(';')) {
        const c = /^\s*(suppress|disable|default)\s*:\s*([\d\s]+)$/.exec(clause);
        if (!c) continue;
        out.push({
          kind: c[1] === 'suppress' ? 'pragma-suppress' : c[1] === 'disable' ? 'pragma-disable' : 'pragma-default',
          targets: c[2].trim().split(/\s+/),
          line: node.startPosition.row + 1,
          column: node.startPosition.column + 1,
          start: node.startIndex,
          end: node.endIndex,
        });
      }
    }
  }
  return out;
}

export interface SuppressibleMessage {
  readonly ruleId: string | null;
  readonly line: number;
}

export interface DirectiveOutcome<M> {
  readonly kept: M[];
  readonly suppressed: { message: M; directive: Directive }[];
  /** Directives that suppressed nothing. */
  readonly unused: Directive[];
}

/**
 * Split messages into kept and suppressed. `prefastOf(ruleId)` gives a rule's PREfast number (28121), so that
 * `#pragma warning` directives silence the rules that stand for those warnings. Fatal messages (no rule) are never
 * suppressed.
 */
export function applyDirectives<M extends SuppressibleMessage>(
  directives: readonly Directive[],
  messages: readonly M[],
  prefastOf: (ruleId: string) => string | undefined,
): DirectiveOutcome<M> {
  const used = new Set<Directive>();
  const kept: M[] = [];
  const suppressed: { message: M; directive: Directive }[] = [];
  const matches = (d: Directive, ruleId: string) => {
    if (d.kind.startsWith('pragma')) {
      const number = prefastOf(ruleId)?.replace(/^C/i, '');
      return number !== undefined && d.targets.includes(number);
    }
    return d.targets.length === 0 || d.targets.includes(ruleId);
  };
  for (const message of messages) {
    const ruleId = message.ruleId;
    if (!ruleId) {
      kept.push(message);
      continue;
    }
    let by: Directive | undefined;
    // Block and pragma-disable directives: the last one before the line that speaks of this rule decides.
    let blockState: Directive | undefined;
    for (const d of directives) {
      if (d.line > message.line) break;
      if ((d.kind === 'disable' || d.kind === 'pragma-disable') && matches(d, ruleId)) blockState = d;
      else if ((d.kind === 'enable' || d.kind === 'pragma-default') && matches(d, ruleId)) blockState = undefined;
      else if (d.kind === 'enable' && d.targets.length === 0) blockState = undefined;
    }
    if (blockState) by = blockState;
    for (const d of directives) {
      if (by) break;
      if ((d.kind === 'disable-next-line' || d.kind === 'pragma-suppress') && d.line + 1 === message.line && matches(d, ruleId)) by = d;
      else if (d.kind === 'disable-line' && d.line === message.line && matches(d, ruleId)) by = d;
    }
    if (by) {
      used.add(by);
      suppressed.push({ message, directive: by });
    } else kept.push(message);
  }
  const unused = directives.filter((d) => !used.has(d) && d.kind !== 'enable' && d.kind !== 'pragma-default' && !d.kind.startsWith('pragma'));
  return { kept, suppressed, unused };
}
