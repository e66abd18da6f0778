#include "driver.h"

VOID
XfAuditCompletion(
    _In_ PXF_EXTENSION Ext,
    _In_ ULONG Sequence
    )
{
    IO_STATUS_BLOCK iosb;

    ZwWriteFile(Ext->AuditLog, NULL, NULL, NULL, &iosb, &Sequence, sizeof(Sequence), NULL, NULL); // expect: wdm/IrqlTooHigh trace=driver.h:10,dpc.c:21 basis=contract
}
