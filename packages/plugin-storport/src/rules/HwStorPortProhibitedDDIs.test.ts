import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './HwStorPortProhibitedDDIs.js';

new RuleTester().run('storport/HwStorPortProhibitedDDIs', rule, {
  valid: [
    // StorPort's own routines.
    `#include <storport.h>
VOID Lock(PVOID ext) { STOR_LOCK_HANDLE h; StorPortAcquireSpinLock(ext, InterruptLock, NULL, &h); StorPortReleaseSpinLock(ext, &h); }
`,
    // Not a StorPort driver: WDM drivers may call these.
    `#include <ntddk.h>
VOID Lock(PKSPIN_LOCK l) { KIRQL old; KeAcquireSpinLock(l, &old); KeReleaseSpinLock(l, old); }
`,
    // A virtual miniport is exempt.
    `#include <storport.h>
ULONG DriverEntry(PVOID d, PVOID r)
{
    VIRTUAL_HW_INITIALIZATION_DATA init;
    KeInitializeSpinLock(&g_Lock);
    return StorPortInitialize(d, r, (PHW_INITIALIZATION_DATA)&init, NULL);
}
`,
  ],
  invalid: [
    {
      code: `#include <storport.h>
VOID Complete(PVOID ext, PIRP irp)
{
    KIRQL old;
    KeAcquireSpinLock(&((PHBA_EXT)ext)->Lock, &old);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    KeReleaseSpinLock(&((PHBA_EXT)ext)->Lock, old);
    ZwClose(NULL);
}
`,
      errors: [
        { messageId: 'prohibited', line: 5, message: 'KeAcquireSpinLock must not be called by a physical StorPort miniport: use StorPortAcquireSpinLock.' },
        { messageId: 'prohibited', line: 6 },
        { messageId: 'prohibited', line: 7 },
        { messageId: 'prohibited', line: 8, message: 'ZwClose must not be called by a physical StorPort miniport.' },
      ],
    },
  ],
});
