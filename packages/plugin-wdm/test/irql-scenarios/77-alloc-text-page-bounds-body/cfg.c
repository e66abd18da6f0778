/*
 * A function placed in the pageable section by #pragma alloc_text, without PAGED_CODE(): its body runs at most at
 * APC_LEVEL. Reached at DISPATCH_LEVEL, it is reported once (IrqlPagedCode), not again for its paged allocation.
 */
#include <wdm.h>

VOID CfgLoad(_Inout_ PVOID *Table);

#pragma alloc_text(PAGE, CfgLoad)

VOID
CfgLoad( // expect: wdm/IrqlPagedCode trace=19,25 basis=contract
    _Inout_ PVOID *Table
    )
{
    *Table = ExAllocatePool2(POOL_FLAG_PAGED, 256, 'gfCD');
}

_IRQL_requires_(DISPATCH_LEVEL)
VOID
CfgRefreshAtDpc(
    _Inout_ PVOID *Table
    )
{
    CfgLoad(Table);
}
