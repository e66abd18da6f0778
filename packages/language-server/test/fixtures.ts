/** A small WDM driver folder: a helper that allocates paged pool, called under a spin lock from another file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DRIVER_H = `#include <wdm.h>

#define HELPER_TAG 'pleH'

typedef struct _DEVICE_EXTENSION {
    KSPIN_LOCK Lock;
    PVOID Buffer;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

NTSTATUS HelperAllocate(PDEVICE_EXTENSION Extension, SIZE_T Size);
`;

/** The caller, on disk only: it calls the helper under a spin lock. */
export const DISPATCH_C = `#include "driver.h"

NTSTATUS DispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION extension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;
    NTSTATUS status;

    KeAcquireSpinLock(&extension->Lock, &oldIrql);
    status = HelperAllocate(extension, 64);
    KeReleaseSpinLock(&extension->Lock, oldIrql);

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
`;

/** The helper, opened in the editor: a paged, deprecated allocation (line 5, 0-based line 4). */
export const HELPER_C = `#include "driver.h"

NTSTATUS HelperAllocate(PDEVICE_EXTENSION Extension, SIZE_T Size)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, Size, HELPER_TAG);
    if (buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Extension->Buffer = buffer;
    return STATUS_SUCCESS;
}
`;

/** A temp folder holding driver.h, dispatch.c and helper.c. */
export function driverFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddi-lint-ls-'));
  writeFileSync(join(dir, 'driver.h'), DRIVER_H);
  writeFileSync(join(dir, 'dispatch.c'), DISPATCH_C);
  writeFileSync(join(dir, 'helper.c'), HELPER_C);
  return dir;
}
