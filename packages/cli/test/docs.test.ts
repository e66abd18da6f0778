/**
 * Every rule has a doc page (docs/rules/<plugin>/<Rule>.md) and a test beside it, the page agrees with the rule's
 * meta, and the page's examples are run: each ```c block under a "❌ Incorrect" heading must produce a finding of
 * the rule, each one under "✅ Correct" none.
 */
import { Linter, type RuleModule } from '@ddi-lint/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PLUGINS } from '../src/config/plugins.js';
import { examplesOf } from './doc-examples.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function lint(ruleId: string, code: string): string[] {
  const config = { rules: { [ruleId]: [2] as [2] }, settings: {}, plugins: BUNDLED_PLUGINS };
  const [result] = new Linter().lintFiles([{ filePath: 'example.c', text: code }], () => config);
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => `${m.line}:${m.column} ${m.message}`);
}

for (const [pluginName, plugin] of Object.entries(BUNDLED_PLUGINS)) {
  describe(`${pluginName} rules are documented and tested`, () => {
    for (const [name, rule] of Object.entries(plugin.rules) as [string, RuleModule][]) {
      const ruleId = `${pluginName}/${name}`;
      const docPath = join(ROOT, 'docs/rules', pluginName, `${name}.md`);
      describe(ruleId, () => {
        it('has a doc page that matches its meta', () => {
          expect(existsSync(docPath), `missing ${docPath}`).toBe(true);
          const doc = readFileSync(docPath, 'utf8');
          expect(doc).toMatch(new RegExp(`^# ${ruleId.replace('/', '\\/')}$`, 'm'));
          expect(doc).toContain(rule.meta.docs.description);
          expect(rule.meta.docs.url).toMatch(new RegExp(`/docs/rules/${pluginName}/${name}\\.md$`));
        });
        it('has a test beside it', () => {
          expect(existsSync(join(ROOT, `packages/plugin-${pluginName}/src/rules/${name}.test.ts`))).toBe(true);
        });
        const examples = existsSync(docPath) ? examplesOf(readFileSync(docPath, 'utf8')) : [];
        it('has at least one incorrect and one correct example', () => {
          expect(examples.some((e) => e.kind === 'incorrect')).toBe(true);
          expect(examples.some((e) => e.kind === 'correct')).toBe(true);
        });
        for (const example of examples) {
          it(`doc example at line ${example.line} is ${example.kind}`, () => {
            const findings = lint(ruleId, example.code);
            if (example.kind === 'incorrect') expect(findings.length, 'a ❌ example must be reported').toBeGreaterThan(0);
            else expect(findings, 'a ✅ example must not be reported').toEqual([]);
          });
        }
      });
    }
  });
}
