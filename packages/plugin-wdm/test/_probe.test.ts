import { Linter } from '@ddi-lint/core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import plugin from '../src/index.js';

const ROOT = process.env.PROBE ?? '/tmp/probe';
it('probe', () => {
  const out: string[] = [];
  for (const entry of readdirSync(ROOT).sort()) {
    const p = join(ROOT, entry);
    const files = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => join(p, f)) : [p];
    const inputs = files.map((f) => ({ filePath: f, text: readFileSync(f, 'utf8') }));
    const rules: Record<string, [2]> = {};
    for (const r of ['IrqlExFree1', 'IrqlExFree2', 'IrqlExFree3', 'PoolTagMismatch', 'PoolAllocationNotChecked', 'UninitializedPoolToUser']) rules[`wdm/${r}`] = [2];
    const settings = process.env.ASSUMED ? { irql: { reportAssumed: true } } : {};
    const results = new Linter().lintFiles(inputs, () => ({ rules, settings, plugins: { wdm: plugin } }), {});
    out.push(`== ${entry}`);
    for (const r of results) for (const m of r.messages) {
      out.push(`  ${r.filePath.split('/').pop()}:${m.line}:${m.column} ${m.ruleId} [${m.messageId}] ${m.message}${m.basis ? ' basis=' + m.basis : ''}`);
      for (const t of m.trace ?? []) out.push(`      trace: ${t.message}`);
    }
  }
  console.log(out.join('\n'));
});
