/**
 * The package's own tests: RuleTester from `@ddi-lint/rule-tester` runs ESLint-shaped cases (messageId, data, line,
 * column, output, suggestions, basis, trace, cross-file `files`) as vitest tests, rejects duplicate cases, and a case
 * whose expectation is wrong fails. The failing runs use a nested RuleTester whose `describe`/`it` hooks capture the
 * tests instead of registering them.
 */
import { Level, defineRule, type RuleModule } from '@ddi-lint/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleTester, type InvalidTestCase, type RuleTests } from './index.js';

// ---- Two small rules to test with. ----

/** Rewrites ExAllocatePoolWithTag(NonPagedPoolNx, …) to ExAllocatePool2(POOL_FLAG_NON_PAGED, …); suggests for NonPagedPool. */
const preferPool2 = defineRule({
  meta: {
    type: 'suggestion',
    docs: { description: 'Use ExAllocatePool2 for non-paged allocations.' },
    messages: {
      preferPool2: '{{callee}} returns uninitialised memory; use ExAllocatePool2({{flags}}, …), which zeroes it.',
      executable: '{{callee}} with NonPagedPool allocates executable memory: choose the flags.',
      useNx: 'Use POOL_FLAG_NON_PAGED (no-execute).',
    },
    schema: [],
    fixable: 'code',
    hasSuggestions: true,
  },
  create(context) {
    return {
      call_expression(node) {
        const alloc = context.allocatorCall(node);
        if (!alloc || alloc.spec.name !== 'ExAllocatePoolWithTag' || !alloc.poolArgument) return;
        const pool = context.sourceCode.getText(alloc.poolArgument);
        const callee = node.childForFieldName('function')!;
        if (pool === 'NonPagedPoolNx') {
          context.report({
            node: callee,
            messageId: 'preferPool2',
            data: { callee: alloc.spec.name, flags: 'POOL_FLAG_NON_PAGED' },
            fix: (fixer) => [fixer.replaceText(callee, 'ExAllocatePool2'), fixer.replaceText(alloc.poolArgument!, 'POOL_FLAG_NON_PAGED')],
          });
        } else if (pool === 'NonPagedPool') {
          context.report({
            node: callee,
            messageId: 'executable',
            data: { callee: alloc.spec.name },
            suggest: [
              {
                messageId: 'useNx',
                fix: (fixer) => [fixer.replaceText(callee, 'ExAllocatePool2'), fixer.replaceText(alloc.poolArgument!, 'POOL_FLAG_NON_PAGED')],
              },
            ],
          });
        }
      },
    };
  },
});

/** KeStallExecutionProcessor for longer than `maxMicroseconds` (default 50) where the IRQL may be DISPATCH_LEVEL. */
const longStallAtDispatch: RuleModule = defineRule<[{ maxMicroseconds?: number }?]>({
  meta: {
    type: 'problem',
    docs: { description: 'Do not stall for long at DISPATCH_LEVEL.' },
    messages: { longStall: 'KeStallExecutionProcessor({{us}}) at DISPATCH_LEVEL stalls longer than {{max}} µs.' },
    schema: [{ type: 'object', properties: { maxMicroseconds: { type: 'integer', minimum: 0 } }, additionalProperties: false }],
  },
  defaultOptions: [{ maxMicroseconds: 50 }],
  create(context) {
    const max = BigInt(context.options[0]?.maxMicroseconds ?? 50);
    return {
      call_expression(node) {
        if (context.calleeName(node) !== 'KeStallExecutionProcessor') return;
        const arg = context.argument(node, 0);
        const us = arg ? context.evaluate(arg) : undefined;
        if (us === undefined || us <= max) return;
        const explanation = context.irqlAt(node)?.above(Level.Apc);
        if (!explanation) return;
        context.report({ node, messageId: 'longStall', data: { us: String(us), max: String(max) }, explanation });
      },
    };
  },
}) as RuleModule;

// ---- Driver code. ----

const NX_ALLOC = `NTSTATUS CreateContext(PDEVICE_EXTENSION Ext)
{
    Ext->Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT), 'xtCA');
    return Ext->Context ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`;

const STALL_UNDER_LOCK = `#define RESET_DELAY_US 500

DRIVER_DISPATCH DispatchReset;

NTSTATUS DispatchReset(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->HwLock, &oldIrql);
    WRITE_REGISTER_ULONG(ext->Registers + RESET_REG, 1);
    KeStallExecutionProcessor(RESET_DELAY_US);
    KeReleaseSpinLock(&ext->HwLock, oldIrql);
    return STATUS_SUCCESS;
}
`;

/** A helper with no annotation, called under the spin lock from another file. */
const STALL_HELPER = `VOID ResetHardware(PDEVICE_EXTENSION Ext)
{
    WRITE_REGISTER_ULONG(Ext->Registers, 1);
    KeStallExecutionProcessor(200);
}
`;
const STALL_HELPER_CALLER = `DRIVER_DISPATCH DispatchReset;
NTSTATUS DispatchReset(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;
    KeAcquireSpinLock(&ext->HwLock, &oldIrql);
    ResetHardware(ext);
    KeReleaseSpinLock(&ext->HwLock, oldIrql);
    return STATUS_SUCCESS;
}
`;

// ---- Passing runs, registered as vitest tests through the globals. ----

const ruleTester = new RuleTester();

ruleTester.run('demo/prefer-pool2', preferPool2 as RuleModule, {
  valid: [
    `NTSTATUS Init(PDEVICE_EXTENSION Ext)
{
    Ext->Table = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'lbTA');
    return STATUS_SUCCESS;
}
`,
    {
      name: 'paged allocations are left alone',
      code: `VOID LoadSettings(PDEVICE_EXTENSION Ext) { Ext->Settings = ExAllocatePoolWithTag(PagedPool, 64, 'teSA'); }\n`,
    },
  ],
  invalid: [
    {
      name: 'NonPagedPoolNx is fixed',
      code: NX_ALLOC,
      errors: [
        {
          messageId: 'preferPool2',
          data: { callee: 'ExAllocatePoolWithTag', flags: 'POOL_FLAG_NON_PAGED' },
          line: 3,
          column: 20,
          endLine: 3,
          endColumn: 41,
        },
      ],
      output: NX_ALLOC.replace('ExAllocatePoolWithTag(NonPagedPoolNx', 'ExAllocatePool2(POOL_FLAG_NON_PAGED'),
    },
    {
      name: 'NonPagedPool gets a suggestion and no fix',
      code: `VOID Grow(PDEVICE_EXTENSION Ext)\n{\n    Ext->Ring = ExAllocatePoolWithTag(NonPagedPool, 4096, 'gnRA');\n}\n`,
      errors: [
        {
          messageId: 'executable',
          message: 'ExAllocatePoolWithTag with NonPagedPool allocates executable memory: choose the flags.',
          line: 3,
          column: 17,
          suggestions: [
            {
              messageId: 'useNx',
              output: `VOID Grow(PDEVICE_EXTENSION Ext)\n{\n    Ext->Ring = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4096, 'gnRA');\n}\n`,
            },
          ],
        },
      ],
      output: null,
    },
  ],
});

ruleTester.run('demo/long-stall-at-dispatch', longStallAtDispatch, {
  valid: [
    {
      name: 'a short stall under the lock',
      code: STALL_UNDER_LOCK.replace('#define RESET_DELAY_US 500', '#define RESET_DELAY_US 10'),
    },
    {
      name: 'a long stall allowed by the option',
      code: STALL_UNDER_LOCK,
      options: [{ maxMicroseconds: 1000 }],
    },
    {
      name: 'a long stall at PASSIVE_LEVEL',
      code: `NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)\n{\n    KeStallExecutionProcessor(500);\n    return STATUS_SUCCESS;\n}\n`,
    },
  ],
  invalid: [
    {
      name: 'a #defined 500 µs stall under a spin lock',
      code: STALL_UNDER_LOCK,
      errors: [
        {
          messageId: 'longStall',
          data: { us: 500, max: 50 },
          line: 12,
          column: 5,
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'the caller is in another file of the same program',
      code: STALL_HELPER,
      files: { 'dispatch.c': STALL_HELPER_CALLER },
      errors: [{ messageId: 'longStall', line: 4, basis: 'proven', trace: [/KeAcquireSpinLock/, /DispatchReset calls ResetHardware/] }],
    },
  ],
});

// ---- Runs that must fail, with captured describe/it. ----

interface Captured {
  readonly title: string;
  readonly error: Error | undefined;
}

/** Run the tester with `describe`/`it` hooks that collect each case's outcome instead of registering it. */
function capture(ruleId: string, rule: RuleModule, tests: RuleTests): Captured[] {
  const cases: { title: string; fn: () => void }[] = [];
  RuleTester.describe = (_name, fn) => fn();
  RuleTester.it = (title, fn) => void cases.push({ title, fn });
  try {
    new RuleTester().run(ruleId, rule, tests);
  } finally {
    RuleTester.describe = undefined;
    RuleTester.it = undefined;
  }
  return cases.map(({ title, fn }) => {
    try {
      fn();
      return { title, error: undefined };
    } catch (error) {
      return { title, error: error as Error };
    }
  });
}

/** The failure message of one invalid case run through `capture`. */
function failureOf(test: InvalidTestCase, rule: RuleModule = preferPool2 as RuleModule): string | undefined {
  const [outcome] = capture('demo/prefer-pool2', rule, { valid: [], invalid: [test] });
  return outcome.error?.message;
}

describe('RuleTester hooks and failures', () => {
  afterEach(() => {
    RuleTester.describe = undefined;
    RuleTester.it = undefined;
  });

  it('registers one test per case under describe(ruleId) › valid / invalid', () => {
    const names: string[] = [];
    RuleTester.describe = (name, fn) => {
      names.push(`describe ${name}`);
      fn();
    };
    RuleTester.it = (name) => void names.push(`it ${name}`);
    new RuleTester().run('demo/prefer-pool2', preferPool2 as RuleModule, {
      valid: [{ name: 'ok', code: 'int x;\n' }],
      invalid: [{ name: 'bad', code: NX_ALLOC, errors: 1 }],
    });
    expect(names).toEqual(['describe demo/prefer-pool2', 'describe valid', 'it ok', 'describe invalid', 'it bad']);
  });

  it('passes every case that is right', () => {
    const outcomes = capture('demo/prefer-pool2', preferPool2 as RuleModule, {
      valid: ['int x;\n'],
      invalid: [{ code: NX_ALLOC, errors: [{ messageId: 'preferPool2', line: 3, column: 20 }] }],
    });
    expect(outcomes.map((o) => o.error?.message)).toEqual([undefined, undefined]);
  });

  it('throws on a duplicate valid case', () => {
    expect(() =>
      capture('demo/prefer-pool2', preferPool2 as RuleModule, { valid: ['int x;\n', { code: 'int x;\n' }], invalid: [] }),
    ).toThrow(/duplicate valid test case/);
  });

  it('throws on a duplicate invalid case, but not on the same code with other options', () => {
    const stall = { code: STALL_UNDER_LOCK, errors: 1 };
    expect(() => capture('demo/long-stall-at-dispatch', longStallAtDispatch, { valid: [], invalid: [stall, { ...stall }] })).toThrow(
      /duplicate invalid test case/,
    );
    expect(
      capture('demo/long-stall-at-dispatch', longStallAtDispatch, {
        valid: [],
        invalid: [stall, { ...stall, options: [{ maxMicroseconds: 100 }] }],
      }).map((o) => o.error?.message),
    ).toEqual([undefined, undefined]);
  });

  it('fails a valid case the rule reports', () => {
    const [outcome] = capture('demo/prefer-pool2', preferPool2 as RuleModule, { valid: [NX_ALLOC], invalid: [] });
    expect(outcome.error?.message).toMatch(/Should have no errors but had 1/);
  });

  it('fails on a wrong error count', () => {
    expect(failureOf({ code: NX_ALLOC, errors: 2 })).toMatch(/Should have 2 error\(s\) but had 1/);
  });

  it('fails an invalid case with no errors listed', () => {
    expect(failureOf({ code: NX_ALLOC, errors: [] })).toMatch(/at least one error/);
  });

  it('fails on a wrong messageId, and on one the rule does not define', () => {
    expect(failureOf({ code: NX_ALLOC, errors: [{ messageId: 'executable' }] })).toMatch(/error 1 \(3:20 .*\): messageId/);
    expect(failureOf({ code: NX_ALLOC, errors: [{ messageId: 'noSuchMessage' }] })).toMatch(/"noSuchMessage" is not in the rule's meta.messages/);
  });

  it('fails on a wrong line or column', () => {
    expect(failureOf({ code: NX_ALLOC, errors: [{ messageId: 'preferPool2', line: 4 }] })).toMatch(/: line/);
    expect(failureOf({ code: NX_ALLOC, errors: [{ messageId: 'preferPool2', line: 3, column: 5 }] })).toMatch(/: column/);
  });

  it('fails on wrong data or message text', () => {
    expect(failureOf({ code: NX_ALLOC, errors: [{ messageId: 'preferPool2', data: { callee: 'ExAllocatePool', flags: 'POOL_FLAG_NON_PAGED' } }] })).toMatch(
      /message with data/,
    );
    expect(failureOf({ code: NX_ALLOC, errors: [{ message: /uninitialised memory; use ExAllocatePool3/ }] })).toMatch(/: message/);
  });

  it('fails on a wrong output, and on output: null when the rule fixes', () => {
    expect(failureOf({ code: NX_ALLOC, errors: 1, output: NX_ALLOC })).toMatch(/Output is incorrect/);
    expect(failureOf({ code: NX_ALLOC, errors: 1, output: null })).toMatch(/Expected no autofix/);
  });

  it('fails on a wrong basis or trace', () => {
    const rule = longStallAtDispatch;
    const [basis] = capture('demo/long-stall-at-dispatch', rule, { valid: [], invalid: [{ code: STALL_UNDER_LOCK, errors: [{ basis: 'contract' }] }] });
    expect(basis.error?.message).toMatch(/: basis/);
    const [trace] = capture('demo/long-stall-at-dispatch', rule, {
      valid: [],
      invalid: [{ code: STALL_UNDER_LOCK, errors: [{ trace: ['KeRaiseIrql raises'] }] }],
    });
    expect(trace.error?.message).toMatch(/trace step 1 .* should include "KeRaiseIrql raises"/);
  });

  it('lintCase returns the rule messages of the case file for custom assertions', () => {
    const { messages, text } = new RuleTester().lintCase('demo/long-stall-at-dispatch', longStallAtDispatch, { code: STALL_UNDER_LOCK });
    expect(text).toBe(STALL_UNDER_LOCK);
    expect(messages.map((m) => [m.ruleId, m.messageId, m.line, m.column, m.basis])).toEqual([
      ['demo/long-stall-at-dispatch', 'longStall', 12, 5, 'proven'],
    ]);
    expect(messages[0].message).toBe('KeStallExecutionProcessor(500) at DISPATCH_LEVEL stalls longer than 50 µs.');
  });

  it('lintCase rethrows a rule crash', () => {
    const crashing = defineRule({
      meta: { type: 'problem', docs: { description: 'crashes' }, messages: {}, schema: [] },
      create: () => ({
        call_expression() {
          throw new Error('boom in the rule');
        },
      }),
    }) as RuleModule;
    expect(() => new RuleTester().lintCase('demo/crash', crashing, { code: NX_ALLOC })).toThrow(/boom in the rule/);
  });
});
