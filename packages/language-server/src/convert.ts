/** ddi-lint messages → LSP diagnostics; fixes → text edits. */
import type { Fix, LintMessage, LocationInfo, TraceEntry } from '@ddi-lint/core';
import { pathToFileURL } from 'node:url';
import {
  type Diagnostic,
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export const SOURCE = 'ddi-lint';

/** ddi-lint's 1-based line/column (end exclusive) → an LSP range (0-based, end exclusive). */
export function toRange(loc: Pick<LocationInfo, 'line' | 'column' | 'endLine' | 'endColumn'>): Range {
  const start = { line: Math.max(0, loc.line - 1), character: Math.max(0, loc.column - 1) };
  const end = { line: Math.max(0, loc.endLine - 1), character: Math.max(0, loc.endColumn - 1) };
  return { start, end };
}

export interface ConvertContext {
  /** The URI of a file: the client's own URI for an open document, a file URL otherwise. */
  uriOf(filePath: string): string;
  docsUrl(ruleId: string): string | undefined;
  /** Does the client show relatedInformation (the IRQL path)? When not, the path goes into the message. */
  relatedInformation: boolean;
}

export function fileUri(filePath: string): string {
  return pathToFileURL(filePath).href;
}

export function toDiagnostic(m: LintMessage, ctx: ConvertContext): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(m),
    severity: m.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    message: m.message,
  };
  if (m.ruleId) {
    diagnostic.code = m.ruleId;
    const href = ctx.docsUrl(m.ruleId);
    if (href) diagnostic.codeDescription = { href };
  }
  // The IRQL path (entry assumption, raises, calls on the way), then any other related locations.
  const steps: readonly TraceEntry[] = [...(m.trace ?? []), ...(m.related ?? [])];
  if (steps.length) {
    if (ctx.relatedInformation) {
      diagnostic.relatedInformation = steps.map(
        (entry): DiagnosticRelatedInformation => ({
          location: { uri: ctx.uriOf(entry.filePath), range: toRange(entry) },
          message: entry.message,
        }),
      );
    } else {
      diagnostic.message += steps.map((entry) => `\n  ${entry.filePath}:${entry.line}: ${entry.message}`).join('');
    }
  }
  if (m.basis) diagnostic.data = { basis: m.basis };
  return diagnostic;
}

export function toTextEdit(fix: Fix, document: TextDocument): TextEdit {
  return { range: { start: document.positionAt(fix.range[0]), end: document.positionAt(fix.range[1]) }, newText: fix.text };
}

/** The fixes that can be applied together, as the CLI applies them: sorted, the first of overlapping ones wins. */
export function compatibleFixes(messages: readonly LintMessage[]): Fix[] {
  const fixes = messages
    .filter((m) => m.fix)
    .map((m) => m.fix!)
    .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const out: Fix[] = [];
  let pos = 0;
  for (const f of fixes) {
    if (f.range[0] < pos) continue;
    out.push(f);
    pos = f.range[1];
  }
  return out;
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
