#pragma once
#include <ntddk.h>

typedef struct _RING_ENTRY {
    LIST_ENTRY Link;
    ULONG Length;
    UCHAR Data[1];
} RING_ENTRY, *PRING_ENTRY;

typedef struct _RING_EXTENSION {
    KSPIN_LOCK RingLock;
    LIST_ENTRY Entries;
    ULONG EntryCount;
} RING_EXTENSION, *PRING_EXTENSION;

PRING_ENTRY
RingAllocateEntry(
    _In_ ULONG Length
    );
