/**
 * ESLint's stylish output, plus a code frame under each finding and the IRQL path that proves it:
 *
 *   src/io.c
 *     11:25  error  ExAllocatePoolWithTag allocates paged pool …  wdm/IrqlExAllocatePool
 *              11 |     Extension->Buffer = ExAllocatePoolWithTag(PagedPool, Size, 'gaT1');
 *                 |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
 *              path: src/read.c:24  KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL
 *                    src/read.c:25  DispatchRead calls AllocateBuffer at DISPATCH_LEVEL
 *
 *   ✖ 2 problems (1 error, 1 warning)
 */
import type { LintMessage, LintResult } from '@ddi-lint/core';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Formatter } from './types.js';

const codes = { red: 31, yellow: 33, gray: 90, bold: 1, underline: 4, cyan: 36 } as const;

function paint(enabled: boolean) {
  return (style: keyof typeof codes, s: string) => (enabled ? `\u001b[${codes[style]}m${s}\u001b[0m` : s);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sourceLines(result: LintResult, cache: Map<string, string[] | null>): string[] | null {
  if (!cache.has(result.filePath)) {
    try {
      cache.set(result.filePath, readFileSync(result.filePath, 'utf8').split(/\r?\n/));
    } catch {
      cache.set(result.filePath, null);
    }
  }
  return cache.get(result.filePath)!;
}

function codeFrame(lines: string[] | null, m: LintMessage, indent: string, c: ReturnType<typeof paint>): string[] {
  if (!lines || m.line < 1 || m.line > lines.length || m.fatal) return [];
  const text = lines[m.line - 1].replace(/\t/g, ' ');
  const width = m.endLine === m.line ? Math.max(1, m.endColumn - m.column) : Math.max(1, text.length - m.column + 1);
  const gutter = String(m.line);
  return [
    `${indent}${c('gray', `${gutter} |`)} ${text}`,
    `${indent}${' '.repeat(gutter.length)}${c('gray', ' |')} ${' '.repeat(Math.max(0, m.column - 1))}${c(m.severity === 2 ? 'red' : 'yellow', '^'.repeat(width))}`,
  ];
}

export const stylish: Formatter = (results, { cwd, color }) => {
  const c = paint(color);
  const out: string[] = [];
  const cache = new Map<string, string[] | null>();
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  for (const r of results) {
    if (!r.messages.length) continue;
    errors += r.errorCount;
    warnings += r.warningCount;
    fixableErrors += r.fixableErrorCount;
    fixableWarnings += r.fixableWarningCount;
    out.push('', c('underline', relative(cwd, r.filePath) || r.filePath));
    const lines = sourceLines(r, cache);
    for (const m of r.messages) {
      const pos = `${m.line}:${m.column}`.padEnd(7);
      const kind = m.severity === 2 ? c('red', 'error') : c('yellow', 'warning');
      out.push(`  ${c('gray', pos)}  ${kind}  ${m.message}  ${c('gray', m.ruleId ?? '')}`.trimEnd());
      const indent = '           ';
      out.push(...codeFrame(lines, m, indent, c));
      if (m.trace?.length) {
        m.trace.forEach((t, i) => {
          const where = `${relative(cwd, t.filePath) || t.filePath}:${t.line}`;
          out.push(`${indent}${c('cyan', i === 0 ? 'path:' : '     ')} ${c('gray', where)}  ${t.message}`);
        });
        if (m.basis) out.push(`${indent}${c('cyan', 'basis:')} ${m.basis}`);
      }
    }
  }
  const total = errors + warnings;
  if (total === 0) return '';
  const summary = `✖ ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  out.push('', c('bold', errors ? c('red', summary) : c('yellow', summary)));
  if (fixableErrors + fixableWarnings > 0) {
    out.push(c('bold', `  ${plural(fixableErrors, 'error')} and ${plural(fixableWarnings, 'warning')} potentially fixable with the \`--fix\` option.`));
  }
  return `${out.join('\n')}\n`;
};
