/** GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding. */
import { relative } from 'node:path';
import type { Formatter } from './types.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const github: Formatter = (results, { cwd }) => {
  const lines: string[] = [];
  for (const r of results) {
    const file = relative(cwd, r.filePath).split('\\').join('/');
    for (const m of r.messages) {
      const kind = m.severity === 2 ? 'error' : 'warning';
      const path = m.trace?.length ? ` Path: ${m.trace.map((t) => `${relative(cwd, t.filePath)}:${t.line} ${t.message}`).join(' → ')}` : '';
      const props = [`file=${escapeProperty(file)}`, `line=${m.line}`, `col=${m.column}`, `endLine=${m.endLine}`, `endColumn=${m.endColumn}`];
      if (m.ruleId) props.push(`title=${escapeProperty(m.ruleId)}`);
      lines.push(`::${kind} ${props.join(',')}::${escapeData(m.message + path)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
