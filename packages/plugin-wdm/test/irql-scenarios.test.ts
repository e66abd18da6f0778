/**
 * The data-driven IRQL scenario suite.
 *
 * Every directory under `irql-scenarios/` is one scenario: one or more `.c` / `.h` / `.cpp` files linted together as one
 * program, with every rule of the wdm and kmdf plugins enabled at severity 2 except the two UnsafeAllocatePool
 * rules (not IRQL rules: every call to a deprecated allocator would be reported). An optional `settings.json` in
 * the directory gives the `settings` of the config (e.g. `{ "irql": { "reportAssumed": true } }`).
 *
 * Scenario names: `NN-short-name` holds a defect and its expected findings; `NNb-…` (and `NNc-…`) is a silent
 * negative twin.
 *
 * Expectations are comments on the line of the finding:
 *
 *     ExAllocatePool(PagedPool, n);   // expect: wdm/IrqlExAllocatePool trace=12,13 basis=proven
 *
 * - several expectations on one line are separated by `;`;
 * - `trace=` lists the lines of the finding's trace steps in order, each `line` (same file as the comment) or
 *   `file.c:line`; `trace=none` (or no `trace=`) means the finding carries no trace;
 * - `basis=` (proven | contract | assumed) is optional.
 *
 * The set of findings (file, line, rule) must equal the set of expectations exactly: nothing missing, nothing extra.
 * A scenario without any `expect:` comment must stay silent.
 *
 * Scenarios under `irql-scenarios/known-gaps/` document analyzer bugs: they hold the correct expectations and run
 * with `it.fails`, so that fixing the bug turns them red until they are moved back up.
 *
 * Set DDI_SCENARIO_DUMP=1 to print every scenario's actual findings in the expectation syntax.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter, type LintMessage, type ResolvedConfig, type Settings } from '@ddi-lint/core';
import wdm from '@ddi-lint/plugin-wdm';
// plugin-wdm does not depend on plugin-kmdf, so the kmdf plugin is reached through its source path.
import kmdf from '../../plugin-kmdf/src/index.js';

const ROOT = fileURLToPath(new URL('./irql-scenarios/', import.meta.url));
const GAPS = 'known-gaps';
const NOT_IRQL_RULES = new Set(['wdm/UnsafeAllocatePool', 'kmdf/UnsafeAllocatePool']);

interface Expectation {
  readonly file: string;
  readonly line: number;
  readonly ruleId: string;
  /** `file:line` of each trace step, in order. */
  readonly trace: readonly string[];
  readonly basis?: string;
  readonly text: string;
}

interface Scenario {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly { readonly name: string; readonly path: string; readonly text: string }[];
  readonly settings: Settings;
}

function scenarioDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n !== GAPS && statSync(join(dir, n)).isDirectory())
    .sort();
}

function loadScenario(dir: string): Scenario {
  const files = readdirSync(dir)
    .filter((n) => /\.(c|h|cpp)$/i.test(n))
    .sort()
    .map((n) => ({ name: n, path: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
  const settingsPath = join(dir, 'settings.json');
  const settings = existsSync(settingsPath) ? (JSON.parse(readFileSync(settingsPath, 'utf8')) as Settings) : {};
  return { name: basename(dir), dir, files, settings };
}

const EXPECT = /\/\/\s*expect:(.*)$/;

export function parseExpectations(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m = EXPECT.exec(lineText);
    if (!m) return;
    for (const part of m[1].split(';')) {
      const tokens = part.trim().split(/\s+/).filter(Boolean);
      if (!tokens.length) continue;
      const [ruleId, ...rest] = tokens;
      let trace: string[] = [];
      let basis: string | undefined;
      for (const t of rest) {
        const kv = /^(trace|basis)=(.*)$/.exec(t);
        if (!kv) throw new Error(`${file}:${i + 1}: cannot read "${t}" in expectation "${part.trim()}"`);
        if (kv[1] === 'basis') basis = kv[2];
        else if (kv[2] !== 'none') {
          trace = kv[2].split(',').map((s) => {
            const fl = /^(?:(.+):)?(\d+)$/.exec(s);
            if (!fl) throw new Error(`${file}:${i + 1}: bad trace step "${s}"`);
            return `${fl[1] ?? file}:${fl[2]}`;
          });
        }
      }
      out.push({ file, line: i + 1, ruleId, trace, basis, text: part.trim() });
    }
  });
  return out;
}

function configFor(settings: Settings): ResolvedConfig {
  const rules: Record<string, readonly [2]> = {};
  for (const [prefix, plugin] of [
    ['wdm', wdm],
    ['kmdf', kmdf],
  ] as const) {
    for (const name of Object.keys(plugin.rules ?? {})) {
      const id = `${prefix}/${name}`;
      if (!NOT_IRQL_RULES.has(id)) rules[id] = [2];
    }
  }
  return { rules, settings, plugins: { wdm, kmdf } };
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly ruleId: string;
  readonly trace: readonly string[];
  readonly basis?: string;
  readonly message: string;
}

function lintScenario(s: Scenario): Finding[] {
  const config = configFor(s.settings);
  const results = new Linter().lintFiles(
    s.files.map((f) => ({ filePath: f.path, text: f.text })),
    () => config,
  );
  return results.flatMap((r) =>
    r.messages.map((m: LintMessage) => ({
      file: basename(r.filePath),
      line: m.line,
      ruleId: m.ruleId ?? '(fatal)',
      trace: (m.trace ?? []).map((t) => `${basename(t.filePath)}:${t.line}`),
      basis: m.basis,
      message: m.message,
    })),
  );
}

const key = (x: { file: string; line: number; ruleId: string }) => `${x.file}:${x.line} ${x.ruleId}`;

/** A finding written the way an expectation comment would say it (trace steps of the same file as bare lines). */
function formatFinding(f: Finding): string {
  const trace = f.trace.length ? f.trace.map((t) => (t.startsWith(`${f.file}:`) ? t.slice(f.file.length + 1) : t)).join(',') : 'none';
  return `${f.file}:${f.line}  // expect: ${f.ruleId} trace=${trace}${f.basis ? ` basis=${f.basis}` : ''}   -- ${f.message}`;
}

/** Compare findings to expectations; the list of problems (empty when the scenario holds). */
function check(s: Scenario, findings: readonly Finding[]): string[] {
  const expected = s.files.flatMap((f) => parseExpectations(f.name, f.text));
  const problems: string[] = [];
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) byKey.set(key(f), [...(byKey.get(key(f)) ?? []), f]);
  const expectedKeys = new Set<string>();
  for (const e of expected) {
    const k = key(e);
    if (expectedKeys.has(k)) problems.push(`duplicate expectation ${k}`);
    expectedKeys.add(k);
    const got = byKey.get(k);
    if (!got) {
      problems.push(`missing: ${k} (${e.text})`);
      continue;
    }
    if (got.length > 1) problems.push(`reported ${got.length} times: ${k}`);
    const f = got[0];
    if (f.trace.join(',') !== e.trace.join(',')) problems.push(`trace of ${k}: expected [${e.trace.join(', ')}], got [${f.trace.join(', ')}]`);
    if (e.basis !== undefined && f.basis !== e.basis) problems.push(`basis of ${k}: expected ${e.basis}, got ${f.basis ?? '(none)'}`);
  }
  for (const f of findings) if (!expectedKeys.has(key(f))) problems.push(`extra: ${formatFinding(f)}`);
  return problems;
}

function run(s: Scenario): void {
  expect(s.files.length, `${s.name} has no .c/.h files`).toBeGreaterThan(0);
  const findings = lintScenario(s);
  if (process.env.DDI_SCENARIO_DUMP) {
    console.log(`--- ${s.name}\n${findings.map(formatFinding).join('\n') || '(silent)'}`);
  }
  const problems = check(s, findings);
  const actual = findings.map(formatFinding).join('\n  ') || '(none)';
  expect(problems, `${s.name}:\n  ${problems.join('\n  ')}\nactual findings:\n  ${actual}`).toEqual([]);
}

describe('IRQL scenarios', () => {
  const dirs = scenarioDirs(ROOT);

  it('has the required scenarios', () => {
    expect(dirs.length + scenarioDirs(join(ROOT, GAPS)).length).toBeGreaterThanOrEqual(40);
  });

  for (const name of dirs) {
    it(name, () => run(loadScenario(join(ROOT, name))));
  }

  const gaps = scenarioDirs(join(ROOT, GAPS));
  if (gaps.length) {
    describe(GAPS, () => {
      for (const name of gaps) {
        it.fails(name, () => run(loadScenario(join(ROOT, GAPS, name))));
      }
    });
  }
});

describe('the expectation syntax', () => {
  it('reads rules, traces with and without files, basis and several expectations per line', () => {
    const text = 'a\nfoo(); // expect: wdm/A trace=1,other.c:7 basis=proven; wdm/B\n';
    expect(parseExpectations('x.c', text)).toEqual([
      { file: 'x.c', line: 2, ruleId: 'wdm/A', trace: ['x.c:1', 'other.c:7'], basis: 'proven', text: 'wdm/A trace=1,other.c:7 basis=proven' },
      { file: 'x.c', line: 2, ruleId: 'wdm/B', trace: [], basis: undefined, text: 'wdm/B' },
    ]);
  });
});
