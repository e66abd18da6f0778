#pragma once
#include <wdm.h>

/* Pool used for transfer descriptors; see dsc.c. */
#define DSC_DESCRIPTOR_POOL NonPagedPoolNx
#define DSC_TAG 'csDD'

typedef struct _DSC_EXTENSION {
    KDPC RefillDpc;
    PVOID Spare;
} DSC_EXTENSION, *PDSC_EXTENSION;
