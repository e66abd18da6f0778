/**
 * How a driver hands a function to the system, and the role that gives it (knowledge base §3): a function passed
 * to `KeInitializeDpc` is a deferred routine and runs at DISPATCH_LEVEL, whatever its name.
 */

/** A DDI (or WDF `_INIT` macro) that takes a callback: the argument at `arg` gets role `roleType`. */
export interface CallRegistration {
  readonly callee: string;
  readonly arg: number;
  readonly roleType: string;
  /** The argument naming the IRP major function the callback is registered for (its entry IRQL follows it). */
  readonly majorArg?: number;
}

export const CALL_REGISTRATIONS: readonly CallRegistration[] = [
  { callee: 'KeInitializeDpc', arg: 1, roleType: 'KDEFERRED_ROUTINE' },
  { callee: 'KeInitializeThreadedDpc', arg: 1, roleType: 'KDEFERRED_ROUTINE' },
  { callee: 'IoInitializeDpcRequest', arg: 1, roleType: 'IO_DPC_ROUTINE' },
  { callee: 'IoSetCompletionRoutine', arg: 1, roleType: 'IO_COMPLETION_ROUTINE' },
  { callee: 'IoSetCompletionRoutineEx', arg: 2, roleType: 'IO_COMPLETION_ROUTINE' },
  { callee: 'IoInitializeTimer', arg: 1, roleType: 'IO_TIMER_ROUTINE' },
  { callee: 'IoQueueWorkItem', arg: 1, roleType: 'IO_WORKITEM_ROUTINE' },
  { callee: 'IoQueueWorkItemEx', arg: 1, roleType: 'IO_WORKITEM_ROUTINE_EX' },
  { callee: 'ExInitializeWorkItem', arg: 1, roleType: 'WORKER_THREAD_ROUTINE' },
  { callee: 'NdisQueueIoWorkItem', arg: 1, roleType: 'NDIS_IO_WORKITEM_FUNCTION' },
  { callee: 'IoConnectInterrupt', arg: 1, roleType: 'KSERVICE_ROUTINE' },
  { callee: 'KeSynchronizeExecution', arg: 1, roleType: 'KSYNCHRONIZE_ROUTINE' },
  { callee: 'IoSetCancelRoutine', arg: 1, roleType: 'DRIVER_CANCEL' },
  { callee: 'IoStartPacket', arg: 3, roleType: 'DRIVER_CANCEL' },
  { callee: 'PsCreateSystemThread', arg: 5, roleType: 'KSTART_ROUTINE' },
  { callee: 'WDF_DRIVER_CONFIG_INIT', arg: 1, roleType: 'EVT_WDF_DRIVER_DEVICE_ADD' },
  { callee: 'WDF_INTERRUPT_CONFIG_INIT', arg: 1, roleType: 'EVT_WDF_INTERRUPT_ISR' },
  { callee: 'WDF_INTERRUPT_CONFIG_INIT', arg: 2, roleType: 'EVT_WDF_INTERRUPT_DPC' },
  { callee: 'WDF_DPC_CONFIG_INIT', arg: 1, roleType: 'EVT_WDF_DPC' },
  { callee: 'WDF_TIMER_CONFIG_INIT', arg: 1, roleType: 'EVT_WDF_TIMER' },
  { callee: 'WDF_TIMER_CONFIG_INIT_PERIODIC', arg: 1, roleType: 'EVT_WDF_TIMER' },
  { callee: 'WDF_WORKITEM_CONFIG_INIT', arg: 1, roleType: 'EVT_WDF_WORKITEM' },
  { callee: 'WdfRequestSetCompletionRoutine', arg: 1, roleType: 'EVT_WDF_REQUEST_COMPLETION_ROUTINE' },
  { callee: 'WdfRequestMarkCancelable', arg: 1, roleType: 'EVT_WDF_REQUEST_CANCEL' },
  { callee: 'WdfRequestMarkCancelableEx', arg: 1, roleType: 'EVT_WDF_REQUEST_CANCEL' },
  { callee: 'StorPortInitializeDpc', arg: 2, roleType: 'HW_DPC_ROUTINE' },
  { callee: 'WdfDeviceInitAssignWdmIrpPreprocessCallback', arg: 1, roleType: 'EVT_WDFDEVICE_WDM_IRP_PREPROCESS', majorArg: 2 },
  { callee: 'StorPortEnablePassiveInitialization', arg: 1, roleType: 'HW_PASSIVE_INITIALIZE_ROUTINE' },
];

/** A structure field that holds a callback: `DriverObject->DriverUnload = F`, `queueConfig.EvtIoRead = F`. */
export const FIELD_REGISTRATIONS: Readonly<Record<string, string>> = {
  MajorFunction: 'DRIVER_DISPATCH',
  DriverUnload: 'DRIVER_UNLOAD',
  DriverStartIo: 'DRIVER_STARTIO',
  AddDevice: 'DRIVER_ADD_DEVICE',
  EvtDriverDeviceAdd: 'EVT_WDF_DRIVER_DEVICE_ADD',
  EvtDriverUnload: 'EVT_WDF_DRIVER_UNLOAD',
  EvtIoRead: 'EVT_WDF_IO_QUEUE_IO_READ',
  EvtIoWrite: 'EVT_WDF_IO_QUEUE_IO_WRITE',
  EvtIoDeviceControl: 'EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL',
  EvtIoInternalDeviceControl: 'EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL',
  EvtIoDefault: 'EVT_WDF_IO_QUEUE_IO_DEFAULT',
  EvtDevicePrepareHardware: 'EVT_WDF_DEVICE_PREPARE_HARDWARE',
  EvtDeviceReleaseHardware: 'EVT_WDF_DEVICE_RELEASE_HARDWARE',
  EvtDeviceD0Entry: 'EVT_WDF_DEVICE_D0_ENTRY',
  EvtDeviceD0Exit: 'EVT_WDF_DEVICE_D0_EXIT',
  EvtInterruptIsr: 'EVT_WDF_INTERRUPT_ISR',
  EvtInterruptDpc: 'EVT_WDF_INTERRUPT_DPC',
  EvtInterruptWorkItem: 'EVT_WDF_INTERRUPT_WORKITEM',
  EvtDpcFunc: 'EVT_WDF_DPC',
  EvtTimerFunc: 'EVT_WDF_TIMER',
  EvtWorkItemFunc: 'EVT_WDF_WORKITEM',
  HwFindAdapter: 'HW_FIND_ADAPTER',
  HwInitialize: 'HW_INITIALIZE',
  HwStartIo: 'HW_STARTIO',
  HwBuildIo: 'HW_BUILDIO',
  HwInterrupt: 'HW_INTERRUPT',
  HwResetBus: 'HW_RESET_BUS',
  HwAdapterControl: 'HW_ADAPTER_CONTROL',
  HwUnitControl: 'HW_UNIT_CONTROL',
  HwMSInterruptRoutine: 'HW_MESSAGE_SIGNALED_INTERRUPT_ROUTINE',
};

/** `_Dispatch_type_(IRP_MJ_x)` (and its old spelling) marks a dispatch routine. */
export const DISPATCH_TYPE_ANNOTATIONS = new Set(['_Dispatch_type_', '__drv_dispatchType', '__drv_dispatchType_other']);
