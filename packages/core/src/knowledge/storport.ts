/**
 * StorPort facts (knowledge base §6): what HwStorStartIo must not do, and the WDM DDIs a physical miniport must
 * not call at all (data/hwstorport-prohibited-ddis.txt, 351 names).
 */
import { readFileSync } from 'node:fs';
import { testedExpression } from '../model/syntax.js';
import { DATA_DIR } from './ddi-table.js';

/** Waits and stalls forbidden in HwStorStartIo (SpNoWait). */
export const STARTIO_WAIT_DDIS: readonly string[] = [
  'StorPortStallExecution',
  'KeStallExecutionProcessor',
  'KeWaitForSingleObject',
  'KeWaitForMultipleObjects',
  'KeWaitForMutexObject',
  'KeDelayExecutionThread',
  'ZwWaitForSingleObject',
  'ExAcquireSharedWaitForExclusive',
  'ExWaitForRundownProtectionRelease',
];

/**
 * Conditions that hold only while the miniport runs as the crash-dump or hibernation driver
 * (`ConfigInfo->DumpMode`, a driver's `IsDumpMode(adapter)`): there StorPort has no timers or DPCs and polling with
 * stalls is the documented way to wait, so SpNoWait does not count a stall under them.
 */
export const DUMP_MODE_CONDITION = /^[\w>.\-]*(?:Is)?DumpMode(?:\([^()]*\))?(?:==TRUE)?$/;

/** Whether one of the conditions a node runs under (see `enclosingConditions`) says the miniport is in dump mode. */
export function onlyInDumpMode(conditions: readonly { readonly condition: { readonly text: string }; readonly whenTrue: boolean }[]): boolean {
  return conditions.some(({ condition, whenTrue }) => {
    const { expression, truth } = testedExpression(condition.text);
    // Only where the condition holds: `a && b` true means each holds; a plain test otherwise.
    if (truth !== whenTrue) return false;
    return expression.split('&&').some((term) => {
      const tested = testedExpression(term);
      return tested.truth && DUMP_MODE_CONDITION.test(tested.expression);
    });
  });
}

/** Allocations forbidden in HwStorStartIo (SpNoWait and StorPortStartIo). */
export const STARTIO_ALLOCATION_DDIS: readonly string[] = [
  'ExAllocatePool',
  'ExAllocatePoolWithTag',
  'ExAllocatePoolWithQuota',
  'ExAllocatePoolWithQuotaTag',
  'ExAllocatePoolWithTagPriority',
  'IoAllocateController',
  'IoAllocateIrp',
  'IoWMIAllocateInstanceIds',
  'MmAllocateNonCachedMemory',
  'MmAllocatePagesForMdl',
  'ZwAllocateLocallyUniqueId',
  'ZwAllocateVirtualMemory',
];

/** Role types that identify HwStorStartIo, and the names drivers give it. */
export const STARTIO_ROLE = 'HW_STARTIO';
export const STARTIO_NAMES = /^(?:Hw(?:Stor)?StartIo|\w*HwStartIo|\w*StartIo)$/;

let prohibited: ReadonlySet<string> | undefined;

/** The WDM DDIs a physical StorPort miniport must not call (HwStorPortProhibitedDDIs). */
export function storportProhibitedDdis(): ReadonlySet<string> {
  prohibited ??= new Set(
    readFileSync(`${DATA_DIR}hwstorport-prohibited-ddis.txt`, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return prohibited;
}

/** The StorPort routine to use instead of a prohibited WDM DDI, where there is a direct one. */
export const STORPORT_EQUIVALENTS: Readonly<Record<string, string>> = {
  ExAllocatePool: 'StorPortAllocatePool',
  ExAllocatePoolWithTag: 'StorPortAllocatePool',
  KeAcquireSpinLock: 'StorPortAcquireSpinLock',
  KeReleaseSpinLock: 'StorPortReleaseSpinLock',
  KeInitializeSpinLock: 'StorPortAcquireSpinLock with a StorPort lock',
  IoCompleteRequest: 'StorPortNotification(RequestComplete, …)',
  KeInsertQueueDpc: 'StorPortIssueDpc',
  KeInitializeTimer: 'StorPortInitializeTimer',
  KeSetTimer: 'StorPortRequestTimer',
  KeGetCurrentIrql: 'StorPortGetCurrentIrql',
  IoGetDeviceProperty: 'StorPortGetDeviceBase / the port configuration',
};

/** A miniport that declares itself virtual (VIRTUAL_HW_INITIALIZATION_DATA) is exempt from the prohibited list. */
export const VIRTUAL_MINIPORT_MARKERS = /\bVIRTUAL_HW_INITIALIZATION_DATA\b|\bPVIRTUAL_HW_INITIALIZATION_DATA\b/;
