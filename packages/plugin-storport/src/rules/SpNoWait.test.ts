import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './SpNoWait.js';

const HEADER = `#include <storport.h>
`;

/** A miniport whose DriverEntry registers its routines through HW_INITIALIZATION_DATA. */
const registration = (startIo: string) => `${HEADER}
ULONG DriverEntry(PVOID DriverObject, PVOID RegistryPath)
{
    HW_INITIALIZATION_DATA init;
    RtlZeroMemory(&init, sizeof(init));
    init.HwInitializationDataSize = sizeof(HW_INITIALIZATION_DATA);
    init.HwFindAdapter = NvmFindAdapter;
    init.HwStartIo = ${startIo};
    init.HwBuildIo = NvmBuildIo;
    return StorPortInitialize(DriverObject, RegistryPath, &init, NULL);
}
`;

new RuleTester().run('storport/SpNoWait', rule, {
  valid: [
    // Waiting in HwStorBuildIo and HwFindAdapter is allowed.
    `${registration('NvmStartIo')}
BOOLEAN NvmBuildIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortStallExecution(10);
    return TRUE;
}
BOOLEAN NvmStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortNotification(RequestComplete, ext, srb);
    return TRUE;
}
ULONG NvmFindAdapter(PVOID ext, PVOID ctx, PVOID bus, PCHAR args, PPORT_CONFIGURATION_INFORMATION info, PBOOLEAN again)
{
    KeWaitForSingleObject(&((PNVM_EXT)ext)->ResetDone, Executive, KernelMode, FALSE, NULL);
    return SP_RETURN_FOUND;
}
`,
    // A WDM driver's own StartIo is not HwStorStartIo.
    `#include <ntddk.h>
VOID SerialStartIo(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KeStallExecutionProcessor(5);
}
`,
    // Allowed allocator: StorPortAllocatePool is not on the list.
    `${HEADER}
HW_STARTIO HwStorStartIo;
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    PVOID p;
    StorPortAllocatePool(ext, 64, 'pMvN', &p);
    return TRUE;
}
`,
    // In the crash-dump path (no timers there) polling with a stall is how a miniport waits.
    `${HEADER}
HW_STARTIO HwStorStartIo;
BOOLEAN IsDumpMode(PAHCI_ADAPTER_EXTENSION adapter) { return adapter->DumpMode; }
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    PAHCI_ADAPTER_EXTENSION adapter = (PAHCI_ADAPTER_EXTENSION)ext;
    if (IsDumpMode(adapter)) {
        StorPortStallExecution(10000);
    }
    if (adapter->DumpMode && srb != NULL) {
        StorPortStallExecution(50);
    }
    return TRUE;
}
`,
  ],
  invalid: [
    {
      // Outside dump mode a stall is a stall: the timer-failure fallback and the branch under !DumpMode.
      code: `${HEADER}
HW_STARTIO HwStorStartIo;
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    PAHCI_ADAPTER_EXTENSION adapter = (PAHCI_ADAPTER_EXTENSION)ext;
    if (IsDumpMode(adapter)) {
        StorPortStallExecution(10000);
    } else if (StorPortRequestTimer(ext, adapter->Timer, RetryStart, ext, 10000, 0) != STOR_STATUS_SUCCESS) {
        StorPortStallExecution(10000);
    }
    if (!adapter->DumpMode) {
        StorPortStallExecution(50);
    }
    return TRUE;
}
`,
      errors: [
        { messageId: 'wait', line: 10 },
        { messageId: 'wait', line: 13 },
      ],
    },
    {
      name: 'stall in the registered StartIo',
      code: `${registration('NvmStartIo')}
BOOLEAN NvmStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortStallExecution(50);
    return TRUE;
}
`,
      errors: [{ messageId: 'wait', line: 16, column: 5, trace: ['NvmStartIo is registered as HW_STARTIO by HwStartIo'] }],
    },
    {
      name: 'wait and allocation in a helper called from a role-typed StartIo',
      code: `${HEADER}
HW_STARTIO HwStorStartIo;

static VOID ResetController(PNVM_EXT ext)
{
    KeWaitForSingleObject(&ext->ResetDone, Executive, KernelMode, FALSE, NULL);
    ext->Scratch = ExAllocatePoolWithTag(NonPagedPoolNx, 512, 'pMvN');
}

BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    if (srb->Function == SRB_FUNCTION_RESET_BUS) {
        ResetController((PNVM_EXT)ext);
    }
    return TRUE;
}
`,
      errors: [
        { messageId: 'wait', line: 7, trace: ['HwStorStartIo is declared HW_STARTIO', 'HwStorStartIo calls ResetController'] },
        { messageId: 'allocation', line: 8, trace: ['HwStorStartIo is declared HW_STARTIO', 'HwStorStartIo calls ResetController'] },
      ],
    },
    {
      name: 'found by name in a StorPort file',
      code: `${HEADER}
BOOLEAN MiniportHwStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    KeStallExecutionProcessor(100);
    return TRUE;
}
`,
      errors: [{ messageId: 'wait', line: 5 }],
    },
  ],
});
