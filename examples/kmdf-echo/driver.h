/*
 * driver.h - shared declarations of the kmdf-echo example driver.
 *
 * A KMDF driver that keeps the data of the last write and returns it on reads. Written for
 * ddi-lint's examples: it contains deliberate defects, listed in examples/README.md.
 */
#pragma once

#include <ntddk.h>
#include <wdf.h>
#include <ntstrsafe.h>

//
// Pool tags ('fBcE' shows up as "EcBf" in !pool and poolmon).
//
#define ECHO_TAG_BUFFER     'fBcE'
#define ECHO_TAG_SNAPSHOT   'nScE'
#define ECHO_TAG_LINK       'kLcE'

#define ECHO_INITIAL_LENGTH 64
#define ECHO_MAX_WRITE      (64 * 1024)
#define ECHO_LINK_CHARS     64

typedef struct _DEVICE_CONTEXT {
    WDFQUEUE DefaultQueue;

    // Protects Buffer, BufferLength and Writes. Acquiring it raises the IRQL to DISPATCH_LEVEL.
    WDFSPINLOCK BufferLock;
    PVOID Buffer;
    size_t BufferLength;
    ULONG Writes;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

//
// Role types.
//
DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD EchoEvtDeviceAdd;
EVT_WDF_OBJECT_CONTEXT_CLEANUP EchoEvtDeviceContextCleanup;
EVT_WDF_IO_QUEUE_IO_WRITE EchoEvtIoWrite;

//
// EchoEvtIoRead is declared the pre-role-type way, with a plain prototype: the only thing that
// says at which IRQL it runs is its registration, `queueConfig.EvtIoRead = EchoEvtIoRead;`.
//
VOID
EchoEvtIoRead(
    _In_ WDFQUEUE Queue,
    _In_ WDFREQUEST Request,
    _In_ size_t Length
    );

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS
EchoQueueInitialize(
    _In_ WDFDEVICE Device
    );
