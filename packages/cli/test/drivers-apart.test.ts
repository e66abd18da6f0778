/**
 * A run over many drivers analyses each driver (analysis unit) on its own: one driver's annotation of a
 * same-named function must not apply to another driver's function.
 */
import { describe, expect, it } from 'vitest';
import { findings, project, run } from './helpers.js';

const CALLER = `#include <ntddk.h>
VOID CancelRoutine(PDEVICE_OBJECT DeviceObject, PIRP Irp);

NTSTATUS
ResetPipe(PVOID Pipe)
{
    UNREFERENCED_PARAMETER(Pipe);
    return STATUS_SUCCESS;
}

_IRQL_requires_(DISPATCH_LEVEL)
VOID OnTimeout(PVOID Pipe)
{
    (VOID)ResetPipe(Pipe);
}
`;

const OTHER_DRIVERS_HEADER = `_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS ResetPipe(PVOID Pipe);
`;

describe('drivers in one run are analysed apart', () => {
  it("does not apply a sibling driver's annotation to a same-named function", async () => {
    const dir = project({ 'usb/first/queue.c': CALLER, 'usb/second/private.h': OTHER_DRIVERS_HEADER, 'usb/second/device.c': '#include "private.h"\n' });
    const r = await run(['-f', 'json', '.'], dir);
    expect(findings(r.stdout).filter((f) => f.includes('IrqlTooHigh'))).toEqual([]);
  });

  it('applies the annotation within one driver (the control)', async () => {
    const dir = project({ 'usb/first/queue.c': `#include "private.h"\n${CALLER}`, 'usb/first/private.h': OTHER_DRIVERS_HEADER });
    const r = await run(['-f', 'json', '.'], dir);
    expect(findings(r.stdout)).toContain('queue.c:15 wdm/IrqlTooHigh 2');
  });
});
