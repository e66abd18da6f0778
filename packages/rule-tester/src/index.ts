/**
 * @ddi-lint/rule-tester — the RuleTester for people who write their own ddi-lint rules (an organisation's plugin),
 * as its own package so that a plugin depends on it only for its tests, the way typescript-eslint ships
 * `@typescript-eslint/rule-tester`. It is ESLint's shape:
 *
 *   new RuleTester().run('acme/approved-pool-tag', rule, {
 *     valid: [code, { code, options }],
 *     invalid: [{ code, options, errors: [{ messageId, line, column }], output }],
 *   });
 *
 * Each case is one test of the test framework's global `describe`/`it` (vitest with `globals: true`, mocha, jest);
 * without globals, set `RuleTester.describe = describe` and `RuleTester.it = it` (and `RuleTester.itOnly = it.only`)
 * once. `lintCase` lints one case and returns its messages, for assertions the case format does not cover.
 *
 * The implementation lives in `@ddi-lint/core/rule-tester` (the official plugins' tests use it there); this package
 * re-exports it so the two can never differ.
 */
export {
  RuleTester,
  type InvalidTestCase,
  type RuleTesterConfig,
  type RuleTests,
  type TestCaseError,
  type ValidTestCase,
} from '@ddi-lint/core/rule-tester';
