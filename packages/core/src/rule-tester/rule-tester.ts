/**
 * RuleTester for rule authors, in the shape of ESLint's:
 *
 *   new RuleTester().run('acme/tag-list', rule, { valid: [...], invalid: [{ code, errors: [{ messageId, line }] }] });
 *
 * Each case becomes one test through the test framework's global `describe`/`it` (vitest with `globals`, mocha,
 * jest), or through `RuleTester.describe`/`RuleTester.it` when set. A case may add more files (`files`) that are
 * analysed together with it, for cross-file IRQL tests. Duplicate cases are an error.
 */
import assert from 'node:assert/strict';
import { Linter, type LintMessage, applyFixes, interpolate } from '../linter/linter.js';
import type { Plugin, RuleModule, Settings } from '../rules/types.js';

export interface ValidTestCase {
  readonly code: string;
  readonly name?: string;
  readonly options?: readonly unknown[];
  readonly settings?: Settings;
  readonly filename?: string;
  /** Other files of the same program: path → text. */
  readonly files?: Readonly<Record<string, string>>;
  readonly only?: boolean;
}

export interface TestCaseError {
  readonly messageId?: string;
  readonly message?: string | RegExp;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly basis?: 'proven' | 'contract' | 'assumed';
  /** Expected trace messages, in order (strings match as substrings). */
  readonly trace?: readonly (string | RegExp)[];
  /** Expected suggestion outputs, in order. */
  readonly suggestions?: readonly { readonly messageId?: string; readonly output: string }[];
}

export interface InvalidTestCase extends ValidTestCase {
  readonly errors: number | readonly TestCaseError[];
  /** The text after fixes; `null` asserts the rule offers no fix. */
  readonly output?: string | null;
}

export interface RuleTests {
  readonly valid: readonly (string | ValidTestCase)[];
  readonly invalid: readonly InvalidTestCase[];
}

type DescribeFn = (name: string, fn: () => void) => void;
type ItFn = (name: string, fn: () => void) => void;

export interface RuleTesterConfig {
  readonly settings?: Settings;
  /** Other plugins the rule's cases need (a preset's dependencies). */
  readonly plugins?: Readonly<Record<string, Plugin>>;
}

export class RuleTester {
  static describe?: DescribeFn;
  static it?: ItFn;
  static itOnly?: ItFn;

  constructor(private readonly defaults: RuleTesterConfig = {}) {}

  private static framework(): { describe: DescribeFn; it: ItFn; itOnly?: ItFn } {
    const g = globalThis as unknown as { describe?: DescribeFn; it?: ItFn & { only?: ItFn } };
    const describe = RuleTester.describe ?? g.describe;
    const it = RuleTester.it ?? g.it;
    if (!describe || !it) {
      throw new Error('RuleTester needs a test framework: enable vitest `globals`, or set RuleTester.describe and RuleTester.it');
    }
    return { describe, it, itOnly: RuleTester.itOnly ?? g.it?.only };
  }

  /** Lint one case and return the rule's messages for the case's own file (exposed for custom assertions). */
  lintCase(ruleId: string, rule: RuleModule, test: ValidTestCase): { messages: LintMessage[]; text: string } {
    const slash = ruleId.lastIndexOf('/');
    const pluginName = slash > 0 ? ruleId.slice(0, slash) : 'test';
    const ruleName = slash > 0 ? ruleId.slice(slash + 1) : ruleId;
    const id = `${pluginName}/${ruleName}`;
    const plugins: Record<string, Plugin> = {
      ...(this.defaults.plugins ?? {}),
      [pluginName]: { meta: { name: pluginName }, rules: { [ruleName]: rule } },
    };
    const settings = { ...(this.defaults.settings ?? {}), ...(test.settings ?? {}) };
    const filename = test.filename ?? 'test.c';
    const inputs = [{ filePath: filename, text: test.code }, ...Object.entries(test.files ?? {}).map(([filePath, text]) => ({ filePath, text }))];
    const config = { rules: { [id]: [2, ...(test.options ?? [])] as [2, ...unknown[]] }, settings, plugins };
    const results = new Linter().lintFiles(inputs, () => config, {});
    const messages = results[0].messages;
    const crash = messages.find((m) => m.fatal && m.ruleId === id);
    if (crash) throw new Error(crash.message);
    return { messages: messages.filter((m) => m.ruleId === id), text: test.code };
  }

  run(ruleId: string, rule: RuleModule, tests: RuleTests): void {
    const { describe, it, itOnly } = RuleTester.framework();
    const seen = new Set<string>();
    const checkDuplicate = (kind: string, test: ValidTestCase): void => {
      const key = JSON.stringify([kind, test.code, test.options ?? null, test.settings ?? null, test.filename ?? null, test.files ?? null]);
      if (seen.has(key)) throw new Error(`RuleTester: duplicate ${kind} test case:\n${test.code}`);
      seen.add(key);
    };
    const title = (test: ValidTestCase) => test.name ?? test.code.trim().split('\n').slice(0, 2).join(' ⏎ ').slice(0, 100);

    describe(ruleId, () => {
      if (tests.valid.length) describe('valid', () => {
        for (const raw of tests.valid) {
          const test = typeof raw === 'string' ? { code: raw } : raw;
          checkDuplicate('valid', test);
          (test.only && itOnly ? itOnly : it)(title(test), () => {
            const { messages } = this.lintCase(ruleId, rule, test);
            assert.deepEqual(
              messages.map((m) => `${m.line}:${m.column} ${m.message}`),
              [],
              `Should have no errors but had ${messages.length}`,
            );
          });
        }
      });
      if (tests.invalid.length) describe('invalid', () => {
        for (const test of tests.invalid) {
          checkDuplicate('invalid', test);
          (test.only && itOnly ? itOnly : it)(title(test), () => {
            if (typeof test.errors !== 'number' && test.errors.length === 0) throw new Error('Invalid cases must have at least one error');
            const { messages, text } = this.lintCase(ruleId, rule, test);
            const expectedCount = typeof test.errors === 'number' ? test.errors : test.errors.length;
            assert.equal(
              messages.length,
              expectedCount,
              `Should have ${expectedCount} error(s) but had ${messages.length}:\n${messages.map((m) => `  ${m.line}:${m.column} ${m.message}`).join('\n')}`,
            );
            if (typeof test.errors !== 'number') {
              test.errors.forEach((expected, i) => checkError(rule, messages[i], expected, i, text));
            }
            if (test.output !== undefined) {
              const { output } = applyFixes(text, messages);
              if (test.output === null) assert.equal(output, text, 'Expected no autofix');
              else assert.equal(output, test.output, 'Output is incorrect');
            }
          });
        }
      });
    });
  }
}

function checkError(rule: RuleModule, actual: LintMessage, expected: TestCaseError, index: number, text: string): void {
  const at = `error ${index + 1} (${actual.line}:${actual.column} ${actual.message})`;
  if (expected.messageId !== undefined) {
    assert.ok(expected.messageId in rule.meta.messages, `messageId "${expected.messageId}" is not in the rule's meta.messages`);
    assert.equal(actual.messageId, expected.messageId, `${at}: messageId`);
  }
  if (expected.message !== undefined) {
    if (typeof expected.message === 'string') assert.equal(actual.message, expected.message, `${at}: message`);
    else assert.match(actual.message, expected.message, `${at}: message`);
  }
  if (expected.data && expected.messageId) {
    const template = rule.meta.messages[expected.messageId];
    assert.equal(actual.message, interpolate(template, expected.data), `${at}: message with data`);
  }
  for (const key of ['line', 'column', 'endLine', 'endColumn', 'basis'] as const) {
    if (expected[key] !== undefined) assert.equal(actual[key], expected[key], `${at}: ${key}`);
  }
  if (expected.trace) {
    const steps = (actual.trace ?? []).map((t) => t.message);
    assert.equal(steps.length, expected.trace.length, `${at}: trace length — actual trace:\n  ${steps.join('\n  ')}`);
    expected.trace.forEach((want, i) => {
      if (typeof want === 'string') assert.ok(steps[i].includes(want), `${at}: trace step ${i + 1} "${steps[i]}" should include "${want}"`);
      else assert.match(steps[i], want, `${at}: trace step ${i + 1}`);
    });
  }
  if (expected.suggestions) {
    const actualSuggestions = actual.suggestions ?? [];
    assert.equal(actualSuggestions.length, expected.suggestions.length, `${at}: suggestion count`);
    expected.suggestions.forEach((s, i) => {
      if (s.messageId) assert.equal(actualSuggestions[i].messageId, s.messageId, `${at}: suggestion ${i + 1} messageId`);
      const fix = actualSuggestions[i].fix;
      const output = text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
      assert.equal(output, s.output, `${at}: suggestion ${i + 1} output`);
    });
  }
}
