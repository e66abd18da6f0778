#pragma once
#include <ntddk.h>

//
// The driver's own decoration and loop macros: the analysis must see through them.
//
#define CODE_SEG(segment) __declspec(code_seg(segment))
#define PAGED CODE_SEG("PAGE") _IRQL_requires_max_(APC_LEVEL)

#define WHILE(constant) \
    __pragma(warning(suppress: 4127)) while (constant)

#define FOR_EACH_ENTRY(entry, head) \
    for ((entry) = (head)->Flink; (entry) != (head); (entry) = (entry)->Flink)

typedef struct _QUEUE_CONTEXT {
    KSPIN_LOCK Lock;
    LIST_ENTRY Pending;
    ULONG Count;
} QUEUE_CONTEXT, *PQUEUE_CONTEXT;

PAGED
VOID
ReloadSettings(
    _In_ PQUEUE_CONTEXT Queue
    );
