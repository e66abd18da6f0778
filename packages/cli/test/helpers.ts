import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../src/cli.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI in-process with captured output. */
export async function run(args: readonly string[], cwd: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
  });
  return { code, stdout, stderr };
}

/** A temp directory holding the given files (path → content). */
export function project(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddi-lint-test-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/** A WDM source with one paged allocation under a spin lock and one deprecated call. */
export const WDM_DRIVER = `#include <ntddk.h>

DRIVER_DISPATCH DispatchWrite;

_Use_decl_annotations_
NTSTATUS
DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KIRQL oldIrql;
    PVOID buffer;

    KeAcquireSpinLock(&ext->QueueLock, &oldIrql);
    buffer = ExAllocatePool2(POOL_FLAG_PAGED, 128, 'wrtB');
    KeReleaseSpinLock(&ext->QueueLock, oldIrql);

    ext->Scratch = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'wrtB');
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}
`;

/** Parse json formatter output into (file basename, ruleId, line) triples. */
export function findings(stdout: string): string[] {
  const results = JSON.parse(stdout) as { filePath: string; messages: { ruleId: string | null; line: number; severity: number }[] }[];
  return results.flatMap((r) => r.messages.map((m) => `${r.filePath.split(/[\\/]/).pop()}:${m.line} ${m.ruleId ?? 'fatal'} ${m.severity}`));
}
