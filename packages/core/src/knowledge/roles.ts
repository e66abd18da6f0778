/**
 * Callback role types and the IRQL a function of that role is entered at.
 *
 * The base is the documented IRQL of every callback typedef in the DDI table; the overrides below are the roles
 * whose page says "see remarks" (or states it per configuration) and for which the knowledge base gives the level
 * a driver must be prepared for.
 */
import { type Interval, Level, interval } from '../model/irql.js';
import { ddiTable } from './ddi-table.js';

export interface RoleSpec {
  readonly roleType: string;
  readonly entry: Interval;
  /** Why this entry range: shown in traces. */
  readonly note?: string;
}

const ROLE_OVERRIDES: readonly RoleSpec[] = [
  { roleType: 'DRIVER_DISPATCH', entry: interval(Level.Passive), note: 'dispatch routines run at PASSIVE_LEVEL' },
  { roleType: 'EVT_WDF_INTERRUPT_ISR', entry: interval(Level.Dirql), note: 'interrupt service routine' },
  { roleType: 'EVT_WDF_INTERRUPT_SYNCHRONIZE', entry: interval(Level.Dirql) },
  { roleType: 'EVT_WDF_INTERRUPT_DPC', entry: interval(Level.Dispatch) },
  { roleType: 'EVT_WDF_INTERRUPT_WORKITEM', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_TIMER', entry: interval(Level.Dispatch), note: 'timers run at DISPATCH_LEVEL unless configured passive' },
  { roleType: 'EVT_WDF_WORKITEM', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_DEVICE_D0_ENTRY', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_DEVICE_D0_EXIT', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_DEVICE_PREPARE_HARDWARE', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_DEVICE_RELEASE_HARDWARE', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_DRIVER_UNLOAD', entry: interval(Level.Passive) },
  { roleType: 'EVT_WDF_IO_QUEUE_IO_DEFAULT', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'EVT_WDF_IO_QUEUE_IO_WRITE', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'EVT_WDF_REQUEST_COMPLETION_ROUTINE', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'EVT_WDF_REQUEST_CANCEL', entry: interval(Level.Passive, Level.Dispatch) },
  { roleType: 'IO_DPC_ROUTINE', entry: interval(Level.Dispatch) },
  { roleType: 'WORKER_THREAD_ROUTINE', entry: interval(Level.Passive), note: 'system worker threads run at PASSIVE_LEVEL' },
  // NdisQueueIoWorkItem's callback type (not in the DDI table): NDIS runs it in a system worker thread.
  { roleType: 'NDIS_IO_WORKITEM_FUNCTION', entry: interval(Level.Passive), note: 'NDIS I/O work items run at PASSIVE_LEVEL' },
  { roleType: 'KSTART_ROUTINE', entry: interval(Level.Passive), note: 'a system thread starts at PASSIVE_LEVEL' },
  { roleType: 'IO_TIMER_ROUTINE', entry: interval(Level.Dispatch) },
  {
    roleType: 'HW_STARTIO',
    entry: interval(Level.Dispatch, Level.Dirql),
    note: 'HwStorStartIo runs at DISPATCH_LEVEL (full duplex) or DIRQL (half duplex)',
  },
];

let roles: Map<string, RoleSpec> | undefined;

function build(): Map<string, RoleSpec> {
  const map = new Map<string, RoleSpec>();
  for (const entry of ddiTable().values()) {
    if (entry.kind !== 'callback' || entry.irqlMax === undefined) continue;
    map.set(entry.name, { roleType: entry.name, entry: interval(entry.irqlMin ?? entry.irqlMax, entry.irqlMax) });
  }
  for (const role of ROLE_OVERRIDES) map.set(role.roleType, role);
  return map;
}

export function lookupRole(roleType: string): RoleSpec | undefined {
  roles ??= build();
  return roles.get(roleType);
}

/** Function names that fix a role by themselves: the loader calls `DriverEntry` by that name. */
export const ROLE_BY_FUNCTION_NAME: Readonly<Record<string, string>> = {
  DriverEntry: 'DRIVER_INITIALIZE',
};

/**
 * Configuration that narrows a role's entry IRQL: a StorPort miniport that sets
 * `ConfigInfo->SynchronizationModel = StorSynchronizeFullDuplex` has its HwStorStartIo called at DISPATCH_LEVEL,
 * half duplex at DIRQL.
 */
export interface RoleRefinement {
  readonly roleTypes: readonly string[];
  /** A configuration field and the entry each of its values gives, */
  readonly field?: string;
  readonly values?: Readonly<Record<string, Interval>>;
  /** or a marker in the source that gives `entry`. */
  readonly marker?: RegExp;
  readonly entry?: Interval;
  readonly why: string;
}

/**
 * Refinements apply driver-wide (files in the same folder tree): one miniport, one interrupt model, one execution
 * level per driver is the common case; a driver that mixes them gets the refinement for all (stated in the IRQL
 * model's limits).
 */
export const ROLE_REFINEMENTS: readonly RoleRefinement[] = [
  {
    roleTypes: ['HW_STARTIO'],
    marker: /\bP?VIRTUAL_HW_INITIALIZATION_DATA\b/,
    entry: interval(Level.Passive, Level.Dispatch),
    why: 'a virtual miniport (VIRTUAL_HW_INITIALIZATION_DATA) has its HwStorStartIo called at IRQL <= DISPATCH_LEVEL',
  },
  {
    roleTypes: ['HW_STARTIO'],
    field: 'SynchronizationModel',
    values: { StorSynchronizeFullDuplex: interval(Level.Dispatch), StorSynchronizeHalfDuplex: interval(Level.Dirql) },
    why: 'the miniport sets SynchronizationModel',
  },
  {
    // Only the ISR: with PassiveHandling the DPC still runs at DISPATCH_LEVEL (passive work goes to
    // EvtInterruptWorkItem).
    roleTypes: ['EVT_WDF_INTERRUPT_ISR'],
    field: 'PassiveHandling',
    values: { TRUE: interval(Level.Passive) },
    why: 'the interrupt is configured with PassiveHandling = TRUE',
  },
  {
    roleTypes: [
      'EVT_WDF_TIMER',
      'EVT_WDF_IO_QUEUE_IO_READ',
      'EVT_WDF_IO_QUEUE_IO_WRITE',
      'EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL',
      'EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL',
      'EVT_WDF_IO_QUEUE_IO_DEFAULT',
    ],
    field: 'ExecutionLevel',
    values: { WdfExecutionLevelPassive: interval(Level.Passive) },
    why: 'the object attributes set ExecutionLevel = WdfExecutionLevelPassive',
  },
];

/**
 * The IRQL the I/O manager sends each IRP major function at ("Dispatch Routines and IRQLs"): PASSIVE_LEVEL, except
 * that read, write and device control reach drivers in the paging path at APC_LEVEL, and power IRPs reach drivers
 * in the hibernation or paging path (or that need inrush power) at DISPATCH_LEVEL; internal device control comes
 * from the driver above, up to DISPATCH_LEVEL. Directory control and (on the paging path) file system control, which
 * only file systems get, may arrive at APC_LEVEL ("Dispatch Routine IRQL and Thread Context"). Callbacks registered for one major
 * function (a KMDF WDM-IRP preprocess callback), and the `case IRP_MJ_…:` of a dispatch routine's switch on the
 * major function, are entered at its level rather than their role's generic range.
 */
export const DISPATCH_IRQL_BY_MAJOR: Readonly<Record<string, Interval>> = {
  IRP_MJ_READ: interval(Level.Passive, Level.Apc),
  IRP_MJ_WRITE: interval(Level.Passive, Level.Apc),
  IRP_MJ_DEVICE_CONTROL: interval(Level.Passive, Level.Apc),
  IRP_MJ_DIRECTORY_CONTROL: interval(Level.Passive, Level.Apc),
  IRP_MJ_FILE_SYSTEM_CONTROL: interval(Level.Passive, Level.Apc),
  IRP_MJ_INTERNAL_DEVICE_CONTROL: interval(Level.Passive, Level.Dispatch),
  IRP_MJ_POWER: interval(Level.Passive, Level.Dispatch),
};

/** The entry of a callback registered for `major` (an `IRP_MJ_…` name): undefined for anything else. */
export function dispatchIrqlOf(major: string): Interval | undefined {
  const name = major.trim();
  if (!/^IRP_MJ_[A-Z_]+$/.test(name)) return undefined;
  return DISPATCH_IRQL_BY_MAJOR[name] ?? interval(Level.Passive);
}

export const REFINEMENT_FIELDS: ReadonlySet<string> = new Set(ROLE_REFINEMENTS.flatMap((r) => (r.field ? [r.field] : [])));
