/**
 * The worked organisation plugin of docs/writing-rules.md (fixtures/acme-org): its two rules under the RuleTester
 * from @ddi-lint/rule-tester, then the whole fixture through the CLI, where the plugin is loaded by path from
 * .ddirc.json next to the wdm/recommended preset.
 */
import { RuleTester } from '@ddi-lint/rule-tester';
import type { Plugin, RuleModule } from '@ddi-lint/core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import acmePlugin from './fixtures/acme-org/tools/acme-ddi-rules.mjs';
import { loadPlugin } from '../src/config/plugins.js';
import { findings, project, run } from './helpers.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/acme-org');
const acme = acmePlugin as Plugin;
const approvedPoolTag = acme.rules['approved-pool-tag'] as RuleModule;
const noWaitAtDispatch = acme.rules['no-wait-at-dispatch'] as RuleModule;

const TAGS = [{ tags: ['Acme', 'AcRq', 'AcBf'] }];
const APPROVED = "'Acme', 'AcRq', 'AcBf'";

const ruleTester = new RuleTester();

/** Approved tags written four ways, with four tagged allocators. */
const EVERY_FORM = `#define ACME_REQUEST_TAG 'AcRq'

VOID AcmeAllocateAll(PACME_EXTENSION Ext)
{
    Ext->A = ExAllocatePoolWithTag(NonPagedPoolNx, 64, ACME_REQUEST_TAG);
    Ext->B = ExAllocatePoolZero(NonPagedPoolNx, 64, (ULONG)'AcBf');
    Ext->C = ExAllocatePool3(POOL_FLAG_NON_PAGED, 64, 0x41636d65, NULL, 0);
    Ext->D = ExAllocatePoolWithTagPriority(NonPagedPoolNx, 64, 'Acme', NormalPoolPriority);
}
`;

// ---- acme/approved-pool-tag ----

const START_DEVICE = `#include <ntddk.h>

#define ACME_BUFFER_TAG  'AcBf'
#define ACME_DMA_TAG     'AcDm'

NTSTATUS
AcmeStartDevice(PACME_EXTENSION Ext)
{
    Ext->CommonBuffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, ACME_BUFFER_TAG);
    if (Ext->CommonBuffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Ext->DmaList = ExAllocatePool2(POOL_FLAG_NON_PAGED, Ext->MaxTransfers * sizeof(ACME_DMA), ACME_DMA_TAG);
    if (Ext->DmaList == NULL) {
        ExFreePoolWithTag(Ext->CommonBuffer, ACME_BUFFER_TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}
`;

ruleTester.run('acme/approved-pool-tag', approvedPoolTag, {
  valid: [
    {
      name: 'an approved literal tag',
      code: `NTSTATUS AcmeCreateContext(PACME_EXTENSION Ext)
{
    Ext->Context = ExAllocatePool2(POOL_FLAG_PAGED, sizeof(ACME_CONTEXT), 'Acme');
    return Ext->Context ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}
`,
      options: TAGS,
    },
    {
      name: 'approved tags through a #define, a cast and a number, with every tagged allocator',
      code: EVERY_FORM,
      options: TAGS,
    },
    {
      name: "a wrapper's tag parameter is not a constant: judged where the wrapper is called",
      code: `PVOID AcmeAllocate(SIZE_T Size, ULONG Tag)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, Tag);
}
`,
      options: TAGS,
    },
    {
      name: 'freeing with any tag is not an allocation',
      code: `VOID AcmeFree(PVOID Buffer)\n{\n    ExFreePoolWithTag(Buffer, 'xxxx');\n}\n`,
      options: TAGS,
    },
  ],
  invalid: [
    {
      name: 'the same four tags are evaluated, not skipped: with another list all four are reported',
      code: EVERY_FORM,
      options: [{ tags: ['Zzzz'] }],
      errors: [
        { messageId: 'unapproved', data: { callee: 'ExAllocatePoolWithTag', tag: "'AcRq' (ACME_REQUEST_TAG)", approved: "'Zzzz'" }, line: 5 },
        { messageId: 'unapproved', data: { callee: 'ExAllocatePoolZero', tag: "'AcBf' ((ULONG)'AcBf')", approved: "'Zzzz'" }, line: 6 },
        { messageId: 'unapproved', data: { callee: 'ExAllocatePool3', tag: "'Acme' (0x41636d65)", approved: "'Zzzz'" }, line: 7 },
        { messageId: 'unapproved', data: { callee: 'ExAllocatePoolWithTagPriority', tag: "'Acme'", approved: "'Zzzz'" }, line: 8 },
      ],
    },
    {
      name: 'a #defined tag that is not registered',
      code: START_DEVICE,
      options: TAGS,
      errors: [
        {
          messageId: 'unapproved',
          data: { callee: 'ExAllocatePool2', tag: "'AcDm' (ACME_DMA_TAG)", approved: APPROVED },
          line: 13,
          column: 95,
          endColumn: 107,
        },
      ],
    },
    {
      name: "a literal tag that is not registered (another team's)",
      code: `VOID AcmeLogEvent(PACME_EXTENSION Ext, ULONG Code)
{
    PACME_LOG_ENTRY entry = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*entry), 'gLvD');
    if (entry != NULL) {
        entry->Code = Code;
        AcmePushLog(Ext, entry);
    }
}
`,
      options: TAGS,
      errors: [{ messageId: 'unapproved', data: { callee: 'ExAllocatePoolWithTag', tag: "'gLvD'", approved: APPROVED }, line: 3, column: 83 }],
    },
    {
      name: 'an allocator that takes no tag',
      code: `VOID AcmeLegacyInit(PACME_EXTENSION Ext)\n{\n    Ext->Table = ExAllocatePool(NonPagedPool, 256);\n}\n`,
      options: TAGS,
      errors: [{ messageId: 'untagged', data: { callee: 'ExAllocatePool', approved: APPROVED }, line: 3, column: 18, endColumn: 32 }],
    },
    {
      name: 'without the tags option every tag is unapproved, and the message says how to configure it',
      code: `VOID AcmeInit(PACME_EXTENSION Ext)\n{\n    Ext->Table = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, 'Acme');\n}\n`,
      errors: [{ message: /'Acme', which is not a registered Acme pool tag; use one of none configured: set the rule's "tags" option/ }],
    },
  ],
});

// ---- acme/no-wait-at-dispatch ----

const CLEANUP_UNDER_LOCK = `#include <ntddk.h>

DRIVER_DISPATCH AcmeDispatchCleanup;

NTSTATUS
AcmeDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PACME_EXTENSION ext = DeviceObject->DeviceExtension;
    LARGE_INTEGER zero;
    KIRQL oldIrql;

    zero.QuadPart = 0;
    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    while (ext->PendingCount != 0) {
        KeWaitForSingleObject(&ext->IdleEvent, Executive, KernelMode, FALSE, &zero);
    }
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    return AcmeCompleteRequest(Irp, STATUS_SUCCESS);
}
`;

const RETRY_HELPER = `#include <ntddk.h>

NTSTATUS
AcmeResetHardware(PACME_EXTENSION Ext)
{
    LARGE_INTEGER interval;

    interval.QuadPart = -10 * 1000 * 5;
    WRITE_REGISTER_ULONG(&Ext->Registers->Control, ACME_CONTROL_RESET);
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
    return READ_REGISTER_ULONG(&Ext->Registers->Status) == ACME_STATUS_READY ? STATUS_SUCCESS : STATUS_DEVICE_NOT_READY;
}
`;
const RETRY_CALLER = `#include <ntddk.h>

DRIVER_DISPATCH AcmeDispatchDeviceControl;

NTSTATUS
AcmeDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PACME_EXTENSION ext = DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE lockHandle;
    NTSTATUS status;

    KeAcquireInStackQueuedSpinLock(&ext->HwLock, &lockHandle);
    status = AcmeResetHardware(ext);
    KeReleaseInStackQueuedSpinLock(&lockHandle);
    return AcmeCompleteRequest(Irp, status);
}
`;

ruleTester.run('acme/no-wait-at-dispatch', noWaitAtDispatch, {
  valid: [
    {
      name: 'waiting at PASSIVE_LEVEL in a dispatch routine, after the lock is released',
      code: `DRIVER_DISPATCH AcmeDispatchCleanup;

NTSTATUS
AcmeDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PACME_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;
    BOOLEAN busy;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    busy = ext->PendingCount != 0;
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);
    if (busy) {
        KeWaitForSingleObject(&ext->IdleEvent, Executive, KernelMode, FALSE, NULL);
    }
    return AcmeCompleteRequest(Irp, STATUS_SUCCESS);
}
`,
    },
    {
      name: 'a delay under a fast mutex (APC_LEVEL) is allowed',
      code: `VOID AcmePollFirmware(PACME_EXTENSION Ext)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -10 * 1000;
    PAGED_CODE();
    ExAcquireFastMutex(&Ext->FirmwareMutex);
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
    ExReleaseFastMutex(&Ext->FirmwareMutex);
}
`,
    },
    {
      name: 'an unannotated helper nobody calls is only assumed PASSIVE..DISPATCH: not reported by default',
      code: `VOID AcmeDrain(PACME_EXTENSION Ext)\n{\n    KeWaitForSingleObject(&Ext->IdleEvent, Executive, KernelMode, FALSE, NULL);\n}\n`,
    },
    {
      name: 'other Ke calls under a spin lock are not waits',
      code: `VOID AcmeSignal(PACME_EXTENSION Ext)
{
    KIRQL oldIrql;
    KeAcquireSpinLock(&Ext->QueueLock, &oldIrql);
    KeSetEvent(&Ext->IdleEvent, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&Ext->QueueLock, oldIrql);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a zero-timeout wait under a spin lock (which wdm/IrqlTooHigh allows)',
      code: CLEANUP_UNDER_LOCK,
      errors: [
        {
          messageId: 'waitAtDispatch',
          data: { callee: 'KeWaitForSingleObject', irql: 'runs at DISPATCH_LEVEL' },
          line: 15,
          column: 9,
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a delay in a helper called under an in-stack queued spin lock from another file',
      code: RETRY_HELPER,
      filename: 'hw.c',
      files: { 'dispatch.c': RETRY_CALLER },
      errors: [
        {
          messageId: 'waitAtDispatch',
          data: { callee: 'KeDelayExecutionThread', irql: 'runs at DISPATCH_LEVEL' },
          line: 10,
          column: 5,
          basis: 'proven',
          trace: ['KeAcquireInStackQueuedSpinLock raises the IRQL to DISPATCH_LEVEL', 'AcmeDispatchDeviceControl calls AcmeResetHardware at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'waits in a DPC, which runs at DISPATCH_LEVEL by contract',
      code: `KDEFERRED_ROUTINE AcmeCompletionDpc;

VOID
AcmeCompletionDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PACME_EXTENSION ext = (PACME_EXTENSION)DeferredContext;
    PVOID objects[2] = { &ext->DoneEvent, &ext->AbortEvent };

    KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, NULL, ext->WaitBlocks);
    KeWaitForMutexObject(&ext->ConfigMutex, Executive, KernelMode, FALSE, NULL);
}
`,
      errors: [
        { messageId: 'waitAtDispatch', data: { callee: 'KeWaitForMultipleObjects', irql: 'runs at DISPATCH_LEVEL' }, line: 9, basis: 'contract' },
        { messageId: 'waitAtDispatch', data: { callee: 'KeWaitForMutexObject', irql: 'runs at DISPATCH_LEVEL' }, line: 10, basis: 'contract' },
      ],
    },
    {
      name: 'a completion routine may run at DISPATCH_LEVEL',
      code: `IO_COMPLETION_ROUTINE AcmeReadComplete;

NTSTATUS
AcmeReadComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PACME_EXTENSION ext = (PACME_EXTENSION)Context;
    KeWaitForSingleObject(&ext->ReadDoneEvent, Executive, KernelMode, FALSE, NULL);
    return STATUS_CONTINUE_COMPLETION;
}
`,
      errors: [{ messageId: 'waitAtDispatch', data: { callee: 'KeWaitForSingleObject', irql: 'may run at PASSIVE_LEVEL..DISPATCH_LEVEL' }, line: 7, basis: 'contract' }],
    },
    {
      name: 'the assumed entry is reported with settings.irql.reportAssumed',
      code: `VOID AcmeDrain(PACME_EXTENSION Ext)\n{\n    KeWaitForSingleObject(&Ext->IdleEvent, Executive, KernelMode, FALSE, NULL);\n}\n`,
      settings: { irql: { reportAssumed: true } },
      errors: [{ messageId: 'waitAtDispatch', data: { callee: 'KeWaitForSingleObject', irql: 'may run at PASSIVE_LEVEL..DISPATCH_LEVEL' }, line: 3, basis: 'assumed' }],
    },
  ],
});

// ---- The fixture through the CLI. ----

interface JsonMessage {
  readonly ruleId: string;
  readonly messageId?: string;
  readonly severity: number;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly basis?: string;
  readonly trace?: readonly { readonly filePath: string; readonly line: number; readonly message: string }[];
}

describe('the acme-org fixture through the CLI', () => {
  it('loads the plugin by path with the prefix from its meta.name', async () => {
    const loaded = await loadPlugin('./tools/acme-ddi-rules.mjs', join(FIXTURE, '.ddirc.json'), 'plugins[0]');
    expect(loaded.prefix).toBe('acme');
    expect(loaded.plugin.rules).toBe(acme.rules);
    expect(Object.keys(loaded.plugin.rules)).toEqual(['approved-pool-tag', 'no-wait-at-dispatch']);
  });

  it('reports the wdm/recommended findings and both acme rules, with the IRQL path', async () => {
    const r = await run(['-f', 'json', '.'], FIXTURE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(findings(r.stdout)).toEqual([
      'queue.c:27 acme/approved-pool-tag 2',
      'queue.c:38 acme/no-wait-at-dispatch 2',
      'queue.c:38 wdm/IrqlTooHigh 2',
    ]);

    const results = JSON.parse(r.stdout) as { filePath: string; messages: JsonMessage[] }[];
    expect(results.map((x) => x.filePath.split(/[\\/]/).slice(-2).join('/')).sort()).toEqual(['driver/acmedrv.h', 'driver/driver.c', 'driver/queue.c']);
    const queue = results.find((x) => x.filePath.endsWith('queue.c'))!;
    const [tag, wait, tooHigh] = queue.messages;
    expect(tag).toMatchObject({ messageId: 'unapproved', line: 27, column: 68 });
    expect(tag.message).toBe(
      "ExAllocatePool2 tags the allocation with 'AcTr' (ACME_TRACE_TAG), which is not a registered Acme pool tag; use one of 'Acme', 'AcRq', 'AcBf' or register the tag in pooltag.txt first.",
    );
    expect(wait).toMatchObject({ messageId: 'waitAtDispatch', line: 38, column: 5, basis: 'proven' });
    expect(wait.message).toMatch(/^KeWaitForSingleObject is called where the code runs at DISPATCH_LEVEL: Acme drivers never wait/);
    const path = (m: JsonMessage) => (m.trace ?? []).map((t) => `${t.filePath.split(/[\\/]/).pop()}:${t.line} ${t.message}`);
    expect(path(wait)).toEqual([
      'driver.c:63 KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL',
      'driver.c:65 AcmeDispatchCleanup calls AcmeWaitForIdle at DISPATCH_LEVEL',
    ]);
    expect(tooHigh).toMatchObject({ ruleId: 'wdm/IrqlTooHigh', line: 38, column: 5, basis: 'proven' });
    expect(path(tooHigh)).toEqual(path(wait));
  });

  it('prints the path under the acme finding in the stylish output', async () => {
    const r = await run(['driver'], FIXTURE);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/38:5\s+error\s+KeWaitForSingleObject is called where the code runs at DISPATCH_LEVEL.*acme\/no-wait-at-dispatch/);
    expect(r.stdout).toMatch(/path: driver\/driver\.c:63 +KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL/);
    expect(r.stdout).toMatch(/✖ 3 problems \(3 errors, 0 warnings\)/);
  });

  it('lets --rule turn an acme rule off like any other', async () => {
    const r = await run(['-f', 'json', '--rule', 'acme/no-wait-at-dispatch: off', '.'], FIXTURE);
    expect(findings(r.stdout)).toEqual(['queue.c:27 acme/approved-pool-tag 2', 'queue.c:38 wdm/IrqlTooHigh 2']);
  });

  it('loads the plugin from another project by path, and checks the rule options against its schema', async () => {
    const pluginPath = join(FIXTURE, 'tools/acme-ddi-rules.mjs');
    const driver = `NTSTATUS AcmeInit(PACME_EXTENSION Ext)\n{\n    Ext->Table = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, 'AcTb');\n    return Ext->Table ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;\n}\n`;
    const ok = project({
      '.ddirc.json': JSON.stringify({ root: true, plugins: [pluginPath], rules: { 'acme/approved-pool-tag': ['error', { tags: ['Acme'] }] } }),
      'init.c': driver,
    });
    expect(findings((await run(['-f', 'json', '.'], ok)).stdout)).toEqual(['init.c:3 acme/approved-pool-tag 2']);

    const bad = project({
      '.ddirc.json': JSON.stringify({ root: true, plugins: [pluginPath], rules: { 'acme/approved-pool-tag': ['error', { tags: 'Acme' }] } }),
      'init.c': driver,
    });
    const r = await run(['-f', 'json', '.'], bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.ddirc\.json/);
    expect(r.stderr).toMatch(/rules\.acme\/approved-pool-tag/);
    expect(r.stderr).toMatch(/invalid options: .*tags.*array/);
  });

  it('resolves the published names: ddi-lint-plugin-acme keeps acme/…, @acme/ddi-lint-plugin gives @acme/… and its preset', async () => {
    const pluginUrl = pathToFileURL(join(FIXTURE, 'tools/acme-ddi-rules.mjs')).href;
    const driver = readFileSync(join(FIXTURE, 'driver/queue.c'), 'utf8').replace('#include "acmedrv.h"', "#define ACME_REQUEST_TAG 'AcRq'");
    const unscoped = project({
      'node_modules/ddi-lint-plugin-acme/package.json': JSON.stringify({ name: 'ddi-lint-plugin-acme', type: 'module', exports: './index.mjs' }),
      'node_modules/ddi-lint-plugin-acme/index.mjs': `export { default } from ${JSON.stringify(pluginUrl)};\n`,
      '.ddirc.json': JSON.stringify({ root: true, plugins: ['acme'], rules: { 'acme/approved-pool-tag': ['error', { tags: ['AcRq'] }] } }),
      'queue.c': driver,
    });
    const a = await run(['-f', 'json', 'queue.c'], unscoped);
    expect(a.stderr).toBe('');
    expect(findings(a.stdout)).toEqual(['queue.c:27 acme/approved-pool-tag 2']);

    const scoped = project({
      'node_modules/@acme/ddi-lint-plugin/package.json': JSON.stringify({ name: '@acme/ddi-lint-plugin', type: 'module', exports: { '.': './index.mjs' } }),
      'node_modules/@acme/ddi-lint-plugin/index.mjs': `import acme from ${JSON.stringify(pluginUrl)};
export default {
  meta: { name: '@acme/ddi-lint-plugin', version: '1.0.0' },
  rules: acme.rules,
  configs: {
    recommended: {
      plugins: ['@acme'],
      extends: ['wdm/recommended'],
      rules: {
        '@acme/approved-pool-tag': ['error', { tags: ['Acme', 'AcRq', 'AcBf'] }],
        '@acme/no-wait-at-dispatch': 'error',
      },
    },
  },
};
`,
      '.ddirc.json': JSON.stringify({ root: true, extends: ['@acme/recommended'] }),
      'queue.c': driver,
    });
    const b = await run(['-f', 'json', 'queue.c'], scoped);
    expect(b.stderr).toBe('');
    expect(findings(b.stdout)).toEqual(['queue.c:27 @acme/approved-pool-tag 2']);
  });
});

describe('docs/writing-rules.md', () => {
  const doc = readFileSync(join(FIXTURE, '../../../../../docs/writing-rules.md'), 'utf8');
  it('shows the plugin file and the config as they are in the fixture', () => {
    expect(doc).toContain('```js\n' + readFileSync(join(FIXTURE, 'tools/acme-ddi-rules.mjs'), 'utf8') + '```');
    expect(doc).toContain('```json\n' + readFileSync(join(FIXTURE, '.ddirc.json'), 'utf8') + '```');
  });
  it('lists every RuleContext member', () => {
    const types = readFileSync(join(FIXTURE, '../../../../core/src/rules/types.ts'), 'utf8');
    const body = types.slice(types.indexOf('export interface RuleContext'));
    const members = [...body.slice(0, body.indexOf('\n}\n')).matchAll(/^  (?:readonly )?(\w+)[(:<]/gm)].map((m) => m[1]);
    expect(members.length).toBeGreaterThan(20);
    for (const member of members) expect(doc, member).toMatch(new RegExp(`^\\| \`${member}[\`(]`, 'm'));
  });
});
