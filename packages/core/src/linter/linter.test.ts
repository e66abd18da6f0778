import { describe, expect, it } from 'vitest';
import { Linter, type ResolvedConfig } from './linter.js';
import { defineRule } from '../rules/define.js';
import type { RuleContext } from '../rules/types.js';

/** The contexts each rule was created with, by rule id. */
function contextsOf(files: { filePath: string; text: string }[], rules: ResolvedConfig['rules']) {
  const seen: { rule: string; context: RuleContext }[] = [];
  const recording = (name: string, defaultOptions: unknown[] = []) =>
    defineRule({
      meta: { type: 'problem', docs: { description: name }, messages: { found: `${name}: {{callee}}` }, schema: [{ type: 'string' }] },
      defaultOptions,
      create: (context) => {
        seen.push({ rule: name, context });
        return {
          call_expression(node) {
            const callee = context.calleeName(node);
            if (callee === context.options[0]) context.report({ node, messageId: 'found', data: { callee } });
          },
        };
      },
    });
  // The usual way to wrap a rule (ESLint's too): a context over the rule's own, with another report.
  const wrapped = recording('inner');
  const outer = defineRule({
    meta: { ...wrapped.meta, docs: { description: 'outer' } },
    defaultOptions: ['KeStallExecutionProcessor'],
    create: (context) =>
      wrapped.create(
        Object.create(context, {
          report: { value: (d: Parameters<RuleContext['report']>[0]) => context.report({ ...d, data: { callee: `wrapped ${d.data?.callee}` } }) },
        }) as RuleContext,
      ),
  });
  const spread = defineRule({
    meta: { ...wrapped.meta, docs: { description: 'spread' } },
    defaultOptions: ['KeStallExecutionProcessor'],
    create: (context) => wrapped.create({ ...context, report: (d) => context.report({ ...d, data: { callee: `spread ${d.data?.callee}` } }) }),
  });
  const config: ResolvedConfig = {
    rules,
    settings: { irql: { reportAssumed: true } },
    plugins: { t: { meta: { name: 't' }, rules: { first: recording('first', ['ExAllocatePool']), second: recording('second', ['IoCallDriver']), outer, spread } } },
  };
  const results = new Linter().lintFiles(files, () => config);
  return { seen, results };
}

const DRIVER = `
NTSTATUS Forward(PDEVICE_OBJECT Lower, PIRP Irp)
{
    PVOID buffer = ExAllocatePool(NonPagedPool, 64);
    KeStallExecutionProcessor(10);
    return IoCallDriver(Lower, Irp);
}
`;

describe('rule contexts', () => {
  it('give each rule its own id, options and report over what the rules of one file share', () => {
    const { seen, results } = contextsOf([{ filePath: 'forward.c', text: DRIVER }], { 't/first': [2], 't/second': [1, 'IoCallDriver'] });
    const [first, second] = seen.map((s) => s.context);
    expect([first.id, second.id]).toEqual(['t/first', 't/second']);
    expect([first.options, second.options]).toEqual([['ExAllocatePool'], ['IoCallDriver']]);
    expect(first.report).not.toBe(second.report);
    // The file and the model's questions about it are the same for both.
    expect(first.filename).toBe('forward.c');
    expect(second.filename).toBe('forward.c');
    expect(first.irqlAt).toBe(second.irqlAt);
    expect(first.sourceCode).toBe(second.sourceCode);
    expect(results[0].messages.map((m) => `${m.ruleId} ${m.severity} ${m.message}`)).toEqual([
      't/first 2 first: ExAllocatePool',
      't/second 1 second: IoCallDriver',
    ]);
  });

  it('of different files share nothing of the file', () => {
    const { seen } = contextsOf(
      [
        { filePath: 'a.c', text: DRIVER },
        { filePath: 'b.c', text: DRIVER },
      ],
      { 't/first': [2] },
    );
    const [a, b] = seen.map((s) => s.context);
    expect([a.filename, b.filename]).toEqual(['a.c', 'b.c']);
    expect(a.irqlAt).not.toBe(b.irqlAt);
    expect(a.sourceCode.text).toBe(DRIVER);
  });

  it('can be wrapped with Object.create, as ESLint rules are, and keep every member', () => {
    const { seen, results } = contextsOf([{ filePath: 'forward.c', text: DRIVER }], { 't/outer': [2] });
    const inner = seen[0].context;
    expect(inner.id).toBe('t/outer');
    expect(inner.filename).toBe('forward.c');
    expect(typeof inner.irqlAt).toBe('function');
    expect(results[0].messages.map((m) => `${m.ruleId} ${m.message}`)).toEqual(['t/outer inner: wrapped KeStallExecutionProcessor']);
  });

  it('can be wrapped with a spread and keep every member', () => {
    const { seen, results } = contextsOf([{ filePath: 'forward.c', text: DRIVER }], { 't/spread': [1] });
    expect(seen[0].context.id).toBe('t/spread');
    expect(typeof seen[0].context.allocatorCall).toBe('function');
    expect(results[0].messages.map((m) => `${m.ruleId} ${m.message}`)).toEqual(['t/spread inner: spread KeStallExecutionProcessor']);
  });
});
