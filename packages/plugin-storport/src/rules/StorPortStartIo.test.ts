import { RuleTester } from '@ddi-lint/core/rule-tester';
import rule from './StorPortStartIo.js';

const START = `#include <storport.h>
#define RESET_DELAY_US 2000
HW_STARTIO HwStorStartIo;
`;

new RuleTester().run('storport/StorPortStartIo', rule, {
  valid: [
    `${START}
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortStallExecution(100);
    return TRUE;
}
`,
    // A long stall outside StartIo is another rule's business.
    `${START}
VOID InitController(PVOID ext) { StorPortStallExecution(RESET_DELAY_US); }
`,
    // An unknown stall length is not guessed.
    `${START}
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortStallExecution(((PNVM_EXT)ext)->PollInterval);
    return TRUE;
}
`,
  ],
  invalid: [
    {
      code: `${START}
BOOLEAN HwStorStartIo(PVOID ext, PSCSI_REQUEST_BLOCK srb)
{
    StorPortStallExecution(RESET_DELAY_US);
    srb->SrbExtension = MmAllocateNonCachedMemory(4096);
    return TRUE;
}
`,
      errors: [
        { messageId: 'longStall', line: 7, data: { micros: '2000', root: 'HwStorStartIo', callee: 'StorPortStallExecution' } },
        { messageId: 'allocation', line: 8 },
      ],
    },
  ],
});
