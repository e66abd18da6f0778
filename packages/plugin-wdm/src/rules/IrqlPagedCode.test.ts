import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './IrqlPagedCode.js';

/** 1-based line of the first line of `code` containing `needle`. */
function lineOf(code: string, needle: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in code`);
  return i + 1;
}

/** 1-based column of `needle` on its line. */
function columnOf(code: string, needle: string): number {
  return code.split('\n')[lineOf(code, needle) - 1].indexOf(needle) + 1;
}

const EXTENSION = `#include <ntddk.h>

typedef struct _DISK_EXTENSION {
    KSPIN_LOCK StateLock;
    FAST_MUTEX ConfigMutex;
    KDPC RetryDpc;
    KTIMER RetryTimer;
    PIO_WORKITEM ConfigWorkItem;
    ULONG Retries;
    ULONG Flags;
    UNICODE_STRING FriendlyName;
} DISK_EXTENSION, *PDISK_EXTENSION;
`;

// ---- A pageable helper called while the caller holds a spin lock. ----

const PAGED_UNDER_LOCK = `${EXTENSION}
static VOID DiskRefreshFlags(_Inout_ PDISK_EXTENSION Ext)
{
    PAGED_CODE();

    Ext->Flags &= ~0x1;
}

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH DiskDeviceControl;

_Use_decl_annotations_
NTSTATUS DiskDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)DeviceObject->DeviceExtension;
    KIRQL oldIrql;

    KeAcquireSpinLock(&ext->StateLock, &oldIrql);
    DiskRefreshFlags(ext);
    KeReleaseSpinLock(&ext->StateLock, oldIrql);

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`;

// ---- A DPC placed in the PAGE section by #pragma alloc_text. ----

const PAGED_DPC = `${EXTENSION}
KDEFERRED_ROUTINE DiskRetryDpc;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, DiskRetryDpc)
#endif

_Use_decl_annotations_
VOID DiskRetryDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)DeferredContext;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);

    ext->Retries++;
}
`;

// ---- A helper in the PAGE section, called from a DPC. ----

const PRAGMA_HELPER_FROM_DPC = `${EXTENSION}
VOID DiskResetRetries(_Inout_ PDISK_EXTENSION Ext);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, DiskResetRetries)
#endif

VOID DiskResetRetries(PDISK_EXTENSION Ext)
{
    Ext->Retries = 0;
}

KDEFERRED_ROUTINE DiskTimerDpc;

_Use_decl_annotations_
VOID DiskTimerDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    DiskResetRetries((PDISK_EXTENSION)DeferredContext);
}
`;

// ---- PAGED_CODE() in a completion routine (entered at <= DISPATCH_LEVEL). ----

const PAGED_COMPLETION = `${EXTENSION}
IO_COMPLETION_ROUTINE DiskQueryComplete;

_Use_decl_annotations_
NTSTATUS DiskQueryComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        ext->Flags |= 0x2;
    }
    return STATUS_CONTINUE_COMPLETION;
}
`;

// ---- The function's own annotation allows DISPATCH_LEVEL, its body says pageable. ----

const CONTRADICTING_ANNOTATION = `${EXTENSION}
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID DiskSetFlag(_Inout_ PDISK_EXTENSION Ext, _In_ ULONG Flag)
{
    PAGED_CODE();

    InterlockedOr((volatile LONG *)&Ext->Flags, (LONG)Flag);
}
`;

// ---- Cross-file: the pageable helper in this file, the DPC that calls it in another. ----

const CROSS_FILE_HELPER = `${EXTENSION}
VOID DiskLogRetry(_In_ PDISK_EXTENSION Ext)
{
    PAGED_CODE();

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "retry %lu\\n", Ext->Retries);
}
`;

const CROSS_FILE_DPC = `${EXTENSION}
VOID DiskLogRetry(_In_ PDISK_EXTENSION Ext);

KDEFERRED_ROUTINE DiskRetryDpc;

_Use_decl_annotations_
VOID DiskRetryDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)DeferredContext;

    ext->Retries++;
    DiskLogRetry(ext);
}
`;

// ---- A one-second I/O timer registered by IoInitializeTimer, in pageable code. ----

const PAGED_IO_TIMER = `${EXTENSION}
static VOID DiskWatchdog(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)Context;

    PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);
    ext->Retries = 0;
}

NTSTATUS DiskStartWatchdog(PDEVICE_OBJECT DeviceObject, PDISK_EXTENSION Ext)
{
    NTSTATUS status = IoInitializeTimer(DeviceObject, DiskWatchdog, Ext);
    if (NT_SUCCESS(status)) {
        IoStartTimer(DeviceObject);
    }
    return status;
}
`;

// ---- One pragma, two functions: an unload routine (fine) and a cancel routine (DISPATCH_LEVEL). ----

const PRAGMA_LIST = `${EXTENSION}
DRIVER_UNLOAD DiskUnload;
DRIVER_CANCEL DiskCancel;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, DiskUnload, DiskCancel)
#endif

_Use_decl_annotations_
VOID DiskUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

_Use_decl_annotations_
VOID DiskCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
`;

// ---- KMDF: the interrupt DPC registered by WDF_INTERRUPT_CONFIG_INIT, in pageable code. ----

const KMDF_PAGED_DPC = `#include <ntddk.h>
#include <wdf.h>

EVT_WDF_DRIVER_DEVICE_ADD DiskEvtDeviceAdd;
EVT_WDF_INTERRUPT_ISR DiskEvtInterruptIsr;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, DiskEvtDeviceAdd)
#pragma alloc_text(PAGE, DiskEvtInterruptDpc)
#endif

VOID DiskEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    UNREFERENCED_PARAMETER(AssociatedObject);
    WdfInterruptGetDevice(Interrupt);
}

NTSTATUS DiskEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_INTERRUPT_CONFIG interruptConfig;

    PAGED_CODE();
    UNREFERENCED_PARAMETER(Driver);

    WDF_INTERRUPT_CONFIG_INIT(&interruptConfig, DiskEvtInterruptIsr, DiskEvtInterruptDpc);
    return STATUS_SUCCESS;
}
`;

// ---- An I/O timer routine placed in the PAGE section by #pragma code_seg. ----

const GAP_CODE_SEG = `${EXTENSION}
#pragma code_seg("PAGE")

static VOID DiskRetryTimer(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    ((PDISK_EXTENSION)Context)->Retries = 0;
}

#pragma code_seg()

NTSTATUS DiskStartRetryTimer(PDEVICE_OBJECT DeviceObject, PDISK_EXTENSION Ext)
{
    return IoInitializeTimer(DeviceObject, DiskRetryTimer, Ext);
}
`;

new RuleTester().run('wdm/IrqlPagedCode', rule, {
  valid: [
    {
      name: 'PAGED_CODE() in DriverEntry, AddDevice, a dispatch routine and a work item',
      code: `${EXTENSION}
DRIVER_INITIALIZE DriverEntry;
DRIVER_ADD_DEVICE DiskAddDevice;
IO_WORKITEM_ROUTINE DiskConfigWorker;

_Dispatch_type_(IRP_MJ_CREATE)
DRIVER_DISPATCH DiskCreate;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, DiskAddDevice)
#pragma alloc_text(PAGE, DiskCreate)
#pragma alloc_text(PAGE, DiskConfigWorker)
#endif

_Use_decl_annotations_
VOID DiskConfigWorker(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);
    RtlInitUnicodeString(&((PDISK_EXTENSION)Context)->FriendlyName, L"Disk");
}

_Use_decl_annotations_
NTSTATUS DiskCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)DeviceObject->DeviceExtension;

    PAGED_CODE();

    IoQueueWorkItem(ext->ConfigWorkItem, DiskConfigWorker, DelayedWorkQueue, ext);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS DiskAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = DiskAddDevice;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DiskCreate;
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'a pageable helper called while holding a fast mutex (APC_LEVEL is allowed)',
      code: `${EXTENSION}
static VOID DiskReloadConfig(_Inout_ PDISK_EXTENSION Ext)
{
    PAGED_CODE();
    Ext->Flags = 0;
}

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH DiskDeviceControl;

_Use_decl_annotations_
NTSTATUS DiskDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)DeviceObject->DeviceExtension;

    ExAcquireFastMutex(&ext->ConfigMutex);
    DiskReloadConfig(ext);
    ExReleaseFastMutex(&ext->ConfigMutex);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
`,
    },
    {
      name: 'the pageable helper is called after the spin lock is released',
      code: PAGED_UNDER_LOCK.replace(
        '    KeAcquireSpinLock(&ext->StateLock, &oldIrql);\n    DiskRefreshFlags(ext);\n    KeReleaseSpinLock(&ext->StateLock, oldIrql);',
        '    KeAcquireSpinLock(&ext->StateLock, &oldIrql);\n    ext->Retries = 0;\n    KeReleaseSpinLock(&ext->StateLock, oldIrql);\n    DiskRefreshFlags(ext);',
      ),
    },
    {
      name: 'a completion routine calls pageable code only when KeGetCurrentIrql() == PASSIVE_LEVEL',
      code: `${EXTENSION}
static VOID DiskRecordSuccess(_Inout_ PDISK_EXTENSION Ext)
{
    PAGED_CODE();
    Ext->Flags |= 0x2;
}

IO_COMPLETION_ROUTINE DiskQueryComplete;

_Use_decl_annotations_
NTSTATUS DiskQueryComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    PDISK_EXTENSION ext = (PDISK_EXTENSION)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (NT_SUCCESS(Irp->IoStatus.Status) && KeGetCurrentIrql() == PASSIVE_LEVEL) {
        DiskRecordSuccess(ext);
    }
    return STATUS_CONTINUE_COMPLETION;
}
`,
    },
    {
      name: 'a pageable function with no caller in the run: PAGED_CODE() states its own bound',
      code: `${EXTENSION}
VOID DiskClearName(_Inout_ PDISK_EXTENSION Ext)
{
    PAGED_CODE();
    RtlZeroMemory(&Ext->FriendlyName, sizeof(Ext->FriendlyName));
}
`,
    },
    {
      name: 'non-pageable code at DISPATCH_LEVEL is not this rule',
      code: `${EXTENSION}
KDEFERRED_ROUTINE DiskRetryDpc;

_Use_decl_annotations_
VOID DiskRetryDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    ((PDISK_EXTENSION)DeferredContext)->Retries++;
}
`,
    },
    {
      name: 'pageable KMDF callbacks that run at PASSIVE_LEVEL: EvtDriverDeviceAdd and EvtDevicePrepareHardware',
      code: `#include <ntddk.h>
#include <wdf.h>

EVT_WDF_DRIVER_DEVICE_ADD DiskEvtDeviceAdd;
EVT_WDF_DEVICE_PREPARE_HARDWARE DiskEvtPrepareHardware;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, DiskEvtDeviceAdd)
#pragma alloc_text(PAGE, DiskEvtPrepareHardware)
#endif

NTSTATUS DiskEvtPrepareHardware(WDFDEVICE Device, WDFCMRESLIST Raw, WDFCMRESLIST Translated)
{
    PAGED_CODE();
    return STATUS_SUCCESS;
}

NTSTATUS DiskEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS callbacks;

    PAGED_CODE();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&callbacks);
    callbacks.EvtDevicePrepareHardware = DiskEvtPrepareHardware;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &callbacks);
    return STATUS_SUCCESS;
}
`,
    },
  ],
  invalid: [
    {
      name: 'a PAGED_CODE() helper called under a spin lock',
      code: PAGED_UNDER_LOCK,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message:
            'DiskRefreshFlags is pageable (PAGED_CODE()) but runs at DISPATCH_LEVEL: pageable code must run below DISPATCH_LEVEL (bug check 0xD1 when its page is out). Move it to non-paged code or fix the caller.',
          line: lineOf(PAGED_UNDER_LOCK, 'PAGED_CODE();'),
          column: 5,
          basis: 'proven',
          trace: ['KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL', 'DiskDeviceControl calls DiskRefreshFlags at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a DPC placed in the PAGE section (reported at its name)',
      code: PAGED_DPC,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message:
            'DiskRetryDpc is pageable (#pragma alloc_text(PAGE…)) but runs at DISPATCH_LEVEL: pageable code must run below DISPATCH_LEVEL (bug check 0xD1 when its page is out). Move it to non-paged code or fix the caller.',
          line: lineOf(PAGED_DPC, 'VOID DiskRetryDpc('),
          column: columnOf(PAGED_DPC, 'DiskRetryDpc(PKDPC'),
          basis: 'contract',
          trace: ['DiskRetryDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'a #pragma alloc_text(PAGE) helper called from a DPC',
      code: PRAGMA_HELPER_FROM_DPC,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: /^DiskResetRetries is pageable \(#pragma alloc_text\(PAGE…\)\) but runs at DISPATCH_LEVEL/,
          line: lineOf(PRAGMA_HELPER_FROM_DPC, 'VOID DiskResetRetries(PDISK_EXTENSION Ext)'),
          column: 6,
          trace: ['DiskTimerDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL', 'DiskTimerDpc calls DiskResetRetries at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'PAGED_CODE() in a completion routine',
      code: PAGED_COMPLETION,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: /^DiskQueryComplete is pageable \(PAGED_CODE\(\)\) but may run at PASSIVE_LEVEL..DISPATCH_LEVEL/,
          line: lineOf(PAGED_COMPLETION, 'PAGED_CODE();'),
          basis: 'contract',
          trace: ['DiskQueryComplete is declared IO_COMPLETION_ROUTINE, entered at PASSIVE_LEVEL..DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'PAGED_CODE() in a function annotated _IRQL_requires_max_(DISPATCH_LEVEL)',
      code: CONTRADICTING_ANNOTATION,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          line: lineOf(CONTRADICTING_ANNOTATION, 'PAGED_CODE();'),
          basis: 'contract',
          trace: ['DiskSetFlag is annotated _IRQL_requires_max_(DISPATCH_LEVEL)'],
        },
      ],
    },
    {
      name: 'the pageable helper in this file, called from a DPC in another file',
      code: CROSS_FILE_HELPER,
      files: { 'retry.c': CROSS_FILE_DPC },
      errors: [
        {
          messageId: 'pagedAtDispatch',
          line: lineOf(CROSS_FILE_HELPER, 'PAGED_CODE();'),
          trace: ['DiskRetryDpc is declared KDEFERRED_ROUTINE, entered at DISPATCH_LEVEL', 'DiskRetryDpc calls DiskLogRetry at DISPATCH_LEVEL'],
        },
      ],
    },
    {
      name: 'an I/O timer routine registered by IoInitializeTimer calls PAGED_CODE()',
      code: PAGED_IO_TIMER,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: /^DiskWatchdog is pageable \(PAGED_CODE\(\)\) but runs at DISPATCH_LEVEL/,
          line: lineOf(PAGED_IO_TIMER, 'PAGED_CODE();'),
          trace: [/^DiskWatchdog is registered as IO_TIMER_ROUTINE by IoInitializeTimer/],
        },
      ],
    },
    {
      name: 'one pragma naming two functions: only the cancel routine runs at DISPATCH_LEVEL',
      code: PRAGMA_LIST,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: /^DiskCancel is pageable \(#pragma alloc_text\(PAGE…\)\) but runs at DISPATCH_LEVEL/,
          line: lineOf(PRAGMA_LIST, 'VOID DiskCancel(PDEVICE_OBJECT'),
        },
      ],
    },
    {
      name: 'KMDF: the interrupt DPC registered by WDF_INTERRUPT_CONFIG_INIT is in the PAGE section',
      code: KMDF_PAGED_DPC,
      errors: [
        {
          messageId: 'pagedAtDispatch',
          message: /^DiskEvtInterruptDpc is pageable \(#pragma alloc_text\(PAGE…\)\) but runs at DISPATCH_LEVEL/,
          line: lineOf(KMDF_PAGED_DPC, 'VOID DiskEvtInterruptDpc('),
          trace: [/^DiskEvtInterruptDpc is registered as EVT_WDF_INTERRUPT_DPC by WDF_INTERRUPT_CONFIG_INIT/],
        },
      ],
    },
    {
      // `#pragma code_seg("PAGE")` places every function up to `#pragma code_seg()` in the pageable PAGE section,
      // like `#pragma alloc_text(PAGE, …)` does for the functions it names.
      name: 'an I/O timer routine placed in PAGE by #pragma code_seg',
      code: GAP_CODE_SEG,
      errors: [{ messageId: 'pagedAtDispatch', line: lineOf(GAP_CODE_SEG, 'static VOID DiskRetryTimer(') }],
    },
  ],
});
