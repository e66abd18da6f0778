/** JUnit XML, as ESLint's junit formatter: one test suite per file, one failing test case per finding. */
import { relative } from 'node:path';
import type { Formatter } from './types.js';

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export const junit: Formatter = (results, { cwd }) => {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<testsuites>'];
  for (const r of results) {
    const file = relative(cwd, r.filePath) || r.filePath;
    out.push(`  <testsuite package="ddi-lint" time="0" tests="${r.messages.length}" errors="${r.messages.length}" name="${xml(file)}">`);
    for (const m of r.messages) {
      const type = m.severity === 2 ? 'error' : 'warning';
      const path = m.trace?.length ? ` Path: ${m.trace.map((t) => `${relative(cwd, t.filePath)}:${t.line} ${t.message}`).join(' -> ')}` : '';
      out.push(`    <testcase time="0" name="${xml(`${file}:${m.line}:${m.column} ${m.ruleId ?? 'fatal'}`)}" classname="${xml(file.replace(/\.[^.]+$/, ''))}">`);
      out.push(`      <failure message="${xml(m.message)}"><![CDATA[line ${m.line}, col ${m.column}, ${type} - ${m.message.replace(/]]>/g, ']]]]><![CDATA[>')} (${m.ruleId ?? 'fatal'})${path.replace(/]]>/g, '')}]]></failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
};
