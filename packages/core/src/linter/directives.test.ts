import { describe, expect, it } from 'vitest';
import { Linter, type ResolvedConfig } from '../linter/linter.js';
import { defineRule } from '../rules/define.js';

/** A rule that reports every call to Flag(), carrying PREfast number C28121. */
const flagRule = defineRule({
  meta: { type: 'problem', docs: { description: 'flag', prefast: 'C28121' }, messages: { flagged: 'flagged' }, schema: [] },
  create: (context) => ({
    call_expression(node) {
      if (context.calleeName(node) === 'Flag') context.report({ node, messageId: 'flagged' });
    },
  }),
});
const otherRule = defineRule({
  meta: { type: 'problem', docs: { description: 'other' }, messages: { other: 'other' }, schema: [] },
  create: (context) => ({
    call_expression(node) {
      if (context.calleeName(node) === 'Other') context.report({ node, messageId: 'other' });
    },
  }),
});

const config: ResolvedConfig = {
  rules: { 't/flag': [2], 't/other': [1] },
  settings: {},
  plugins: { t: { meta: { name: 't' }, rules: { flag: flagRule, other: otherRule } } },
};

function lint(code: string, reportUnused: 'off' | 'warn' | 'error' = 'off') {
  const [r] = new Linter().lintFiles([{ filePath: 'a.c', text: code }], () => config, { reportUnusedDisableDirectives: reportUnused });
  return {
    kept: r.messages.map((m) => `${m.line} ${m.ruleId ?? m.message}`),
    suppressed: r.suppressedMessages.map((m) => `${m.line} ${m.ruleId} ${m.suppressions?.[0].kind}:${m.suppressions?.[0].justification}`),
  };
}

describe('suppression directives', () => {
  it('disable-next-line with a reason, for one rule only', () => {
    const r = lint('void f(void) {\n  // ddi-lint-disable-next-line t/flag -- checked by hand\n  Flag(); Other();\n  Flag();\n}\n');
    expect(r.kept).toEqual(['3 t/other', '4 t/flag']);
    expect(r.suppressed).toEqual(['3 t/flag directive:checked by hand']);
  });

  it('disable-line without rules silences every rule on the line', () => {
    const r = lint('void f(void) {\n  Flag(); Other(); /* ddi-lint-disable-line */\n  Flag();\n}\n');
    expect(r.kept).toEqual(['3 t/flag']);
    expect(r.suppressed).toHaveLength(2);
  });

  it('block disable / enable', () => {
    const r = lint('/* ddi-lint-disable t/flag */\nvoid f(void) {\n  Flag();\n  Other();\n}\n/* ddi-lint-enable t/flag */\nvoid g(void) { Flag(); }\n');
    expect(r.kept).toEqual(['4 t/other', '7 t/flag']);
    expect(r.suppressed).toEqual(['3 t/flag directive:']);
  });

  it('#pragma warning(suppress: N) silences the rule carrying that PREfast number on the next line', () => {
    const r = lint('void f(void) {\n#pragma warning(suppress: 28121)\n  Flag(); Other();\n  Flag();\n}\n');
    expect(r.kept).toEqual(['3 t/other', '4 t/flag']);
    expect(r.suppressed).toEqual(['3 t/flag pragma:#pragma warning(suppress: 28121)']);
  });

  it('#pragma warning(disable: N) lasts until default', () => {
    const r = lint('#pragma warning(disable: 28121 6011)\nvoid f(void) { Flag(); }\n#pragma warning(default: 28121)\nvoid g(void) { Flag(); }\n');
    expect(r.kept).toEqual(['4 t/flag']);
    expect(r.suppressed).toEqual(['2 t/flag pragma:#pragma warning(disable: 28121 6011)']);
  });

  it('unused directives are reported when asked, with a fix that removes them', () => {
    const code = 'void f(void) {\n  // ddi-lint-disable-next-line t/flag\n  Other();\n}\n';
    expect(lint(code).kept).toEqual(['3 t/other']);
    const r = lint(code, 'error');
    expect(r.kept).toEqual(["2 Unused ddi-lint-disable-next-line directive (no problems were reported from 't/flag').", '3 t/other']);
  });

  it('a directive inside a string is not a directive', () => {
    const r = lint('void f(void) {\n  Log("// ddi-lint-disable-next-line t/flag");\n  Flag();\n}\n');
    expect(r.kept).toEqual(['3 t/flag']);
  });
});
