/**
 * End to end: the built server (`node bin/server.js --stdio`) as a real child process, driven by a JSON-RPC client
 * over its stdio, as an editor drives it. Needs the build (`pnpm test` builds first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type TextDocumentEdit,
  type TextEdit,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from 'vscode-languageserver-protocol/node.js';
import { HELPER_C, driverFolder } from './fixtures.js';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(PKG, 'bin/server.js');
const DIST = join(PKG, 'dist/server.js');
const TIMEOUT = 10_000;

const ALLOCATION = 'ExAllocatePoolWithTag(PagedPool, Size, HELPER_TAG)';
const ALLOCATION_LINE = 4;
const ALLOCATION_COLUMN = HELPER_C.split('\n')[ALLOCATION_LINE].indexOf(ALLOCATION); // 19

function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Apply LSP text edits to a text (edits do not overlap; applied from the end). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

interface Registration {
  readonly method: string;
  readonly registerOptions?: { watchers?: { globPattern: string }[] };
}

/** A minimal LSP client around the server process. */
class Client {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly registrations: Registration[] = [];
  readonly shownMessages: string[] = [];
  private listeners: (() => void)[] = [];
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static start(): Client {
    if (!existsSync(DIST)) {
      throw new Error(`${DIST} is missing: build the language server first (pnpm build, or npx tsc -b at the repo root)`);
    }
    const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: PKG, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new Client(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.published.push(params);
      for (const l of client.listeners) l();
    });
    connection.onNotification('window/showMessage', (params: { message: string }) => client.shownMessages.push(params.message));
    connection.onNotification('window/logMessage', () => {});
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
      client.registrations.push(...params.registrations);
      for (const l of client.listeners) l();
      return null;
    });
    connection.listen();
    return client;
  }

  /** The server's client/registerCapability request (sent after `initialized`). */
  waitForRegistration(): Promise<void> {
    const registered = new Promise<void>((resolveRegistered) => {
      const check = () => {
        if (!this.registrations.length) return;
        this.listeners = this.listeners.filter((l) => l !== check);
        resolveRegistered();
      };
      this.listeners.push(check);
      check();
    });
    return withTimeout(registered, 'client/registerCapability');
  }

  /** Where the publish log stands: a later wait only looks at what comes after. */
  mark(): number {
    return this.published.length;
  }

  /** The first publish for `uri` after `since` that satisfies `accept`. */
  waitForDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean, since: number, what: string): Promise<PublishDiagnosticsParams> {
    const found = new Promise<PublishDiagnosticsParams>((resolveFound) => {
      const check = (): boolean => {
        const hit = this.published.slice(since).find((p) => p.uri === uri && accept(p));
        if (hit) {
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolveFound(hit);
        }
        return hit !== undefined;
      };
      const listener = () => void check();
      this.listeners.push(listener);
      check();
    });
    return withTimeout(found, `${what} (server stderr: ${this.stderr.trim() || 'empty'})`);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return withTimeout(this.connection.sendRequest<R>(method, params), `the reply to ${method}`);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      try {
        await withTimeout(this.connection.sendRequest('shutdown'), 'the reply to shutdown', 2_000);
        await this.connection.sendNotification('exit');
        await withTimeout(exited, 'the server to exit', 2_000);
      } catch {
        // fall through to kill
      }
    }
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);

describe('ddi-lint-language-server over stdio (client with file watching)', () => {
  let client: Client;
  let dir: string;
  let helperUri: string;
  let init: InitializeResult;

  beforeAll(async () => {
    dir = driverFolder();
    helperUri = fileUri(join(dir, 'helper.c'));
    client = Client.start();
    init = await client.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: fileUri(dir),
      workspaceFolders: [{ uri: fileUri(dir), name: 'driver' }],
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          synchronization: { didSave: true },
        },
      },
      initializationOptions: { debounceMs: 0 },
    });
    await client.notify('initialized', {});
  }, 20_000);

  afterAll(async () => {
    await client?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('initializes and registers watchers for the config files', async () => {
    expect(init.serverInfo?.name).toBe('ddi-lint-language-server');
    expect(init.capabilities.codeActionProvider).toMatchObject({ codeActionKinds: expect.arrayContaining(['quickfix', 'source.fixAll.ddi-lint']) });
    await client.waitForRegistration();
    expect(client.registrations[0].method).toBe('workspace/didChangeWatchedFiles');
    expect(client.registrations[0].registerOptions?.watchers?.map((w) => w.globPattern)).toContain('**/.ddirc.{json,yaml,yml,js,cjs,mjs}');
  });

  it('publishes the cross-file IRQL finding of an opened document, with the IRQL path as related information', async () => {
    const since = client.mark();
    await client.notify('textDocument/didOpen', { textDocument: { uri: helperUri, languageId: 'c', version: 1, text: HELPER_C } });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.version === 1, since, 'diagnostics of version 1');
    expect(codes(published)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);

    const irql = published.diagnostics[0];
    expect(irql).toMatchObject({
      severity: 1,
      source: 'ddi-lint',
      code: 'wdm/IrqlExAllocatePool',
      range: { start: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN }, end: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN + ALLOCATION.length } },
    });
    expect(irql.message).toMatch(/^ExAllocatePoolWithTag allocates paged pool \(PagedPool\) where the code runs at DISPATCH_LEVEL/);
    expect(irql.codeDescription?.href).toMatch(/rules\/wdm\/IrqlExAllocatePool\.md$/);
    // The path runs through the caller in dispatch.c, which is not open: read from disk.
    const dispatchUri = fileUri(join(dir, 'dispatch.c'));
    expect(irql.relatedInformation).toEqual([
      {
        location: { uri: dispatchUri, range: { start: { line: 8, character: 4 }, end: { line: 8, character: 49 } } },
        message: 'KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL',
      },
      {
        location: { uri: dispatchUri, range: { start: { line: 9, character: 13 }, end: { line: 9, character: 42 } } },
        message: 'DispatchDeviceControl calls HelperAllocate at DISPATCH_LEVEL',
      },
    ]);

    const unsafe = published.diagnostics[1];
    expect(unsafe).toMatchObject({
      severity: 2,
      code: 'wdm/UnsafeAllocatePool',
      range: { start: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN }, end: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN + 'ExAllocatePoolWithTag'.length } },
    });
    expect(unsafe.codeDescription?.href).toMatch(/rules\/wdm\/UnsafeAllocatePool\.md$/);
  });

  it('clears the diagnostics when an (unsaved) edit fixes the defect', async () => {
    const since = client.mark();
    await client.notify('textDocument/didChange', {
      textDocument: { uri: helperUri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN }, end: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN + ALLOCATION.length } },
          text: 'ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, HELPER_TAG)',
        },
      ],
    });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.version === 2, since, 'diagnostics of version 2');
    expect(published.diagnostics).toEqual([]);
  });

  it('offers the UnsafeAllocatePool fix as a quick fix editing the call to ExAllocatePool2', async () => {
    const since = client.mark();
    await client.notify('textDocument/didChange', { textDocument: { uri: helperUri, version: 3 }, contentChanges: [{ text: HELPER_C }] });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.version === 3, since, 'diagnostics of version 3');
    const unsafe = published.diagnostics.find((d) => d.code === 'wdm/UnsafeAllocatePool') as Diagnostic;
    expect(unsafe).toBeDefined();

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: helperUri },
      range: unsafe.range,
      context: { diagnostics: [unsafe], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.isPreferred);
    expect(fix).toMatchObject({ title: 'Fix this wdm/UnsafeAllocatePool problem', kind: 'quickfix', diagnostics: [unsafe] });
    const [change] = fix!.edit!.documentChanges as TextDocumentEdit[];
    expect(change.textDocument).toEqual({ uri: helperUri, version: 3 });
    expect(change.edits).toEqual([
      {
        range: { start: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN }, end: { line: ALLOCATION_LINE, character: ALLOCATION_COLUMN + 'ExAllocatePoolWithTag(PagedPool'.length } },
        newText: 'ExAllocatePool2(POOL_FLAG_PAGED',
      },
    ]);
    expect(applyEdits(HELPER_C, change.edits).split('\n')[ALLOCATION_LINE]).toBe('    PVOID buffer = ExAllocatePool2(POOL_FLAG_PAGED, Size, HELPER_TAG);');
    expect(actions.map((a) => a.title)).toContain('Disable wdm/UnsafeAllocatePool for this line');

    // editor.codeActionsOnSave's "source.fixAll" gets the same edit as one fix-all action.
    const fixAll = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: helperUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    expect(fixAll.map((a) => a.kind)).toEqual(['source.fixAll.ddi-lint']);
    expect((fixAll[0].edit!.documentChanges as TextDocumentEdit[])[0].edits).toEqual(change.edits);
  });

  it('reloads the config when a .ddirc.json changes and republishes without the rule it turns off', async () => {
    const config = join(dir, '.ddirc.json');
    writeFileSync(config, JSON.stringify({ root: true, extends: ['wdm/recommended'], rules: { 'wdm/UnsafeAllocatePool': 'off' } }));
    const since = client.mark();
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(config), type: 1 }] });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.version === 3, since, 'diagnostics after the config change');
    expect(codes(published)).toEqual(['wdm/IrqlExAllocatePool']);
    expect(published.diagnostics[0].relatedInformation).toHaveLength(2);
  });
});

describe('ddi-lint-language-server over stdio (client without file watching)', () => {
  let client: Client;
  let dir: string;
  let helperUri: string;

  beforeAll(async () => {
    dir = driverFolder();
    helperUri = fileUri(join(dir, 'helper.c'));
    client = Client.start();
    await client.request<InitializeResult>('initialize', { processId: process.pid, rootUri: fileUri(dir), capabilities: {} });
    await client.notify('initialized', {});
  }, 20_000);

  afterAll(async () => {
    await client?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('puts the IRQL path in the message when the client shows no related information', async () => {
    const since = client.mark();
    await client.notify('textDocument/didOpen', { textDocument: { uri: helperUri, languageId: 'c', version: 1, text: HELPER_C } });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.version === 1, since, 'diagnostics of version 1');
    expect(codes(published)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
    const irql = published.diagnostics[0];
    expect(irql.relatedInformation).toBeUndefined();
    expect(irql.message).toContain(`\n  ${join(dir, 'dispatch.c')}:9: KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL`);
  });

  it('reads the config again on save', async () => {
    writeFileSync(join(dir, '.ddirc.json'), JSON.stringify({ root: true, extends: ['wdm/recommended'], rules: { 'wdm/IrqlExAllocatePool': 'off' } }));
    const since = client.mark();
    await client.notify('textDocument/didSave', { textDocument: { uri: helperUri } });
    const published = await client.waitForDiagnostics(helperUri, (p) => !codes(p).includes('wdm/IrqlExAllocatePool'), since, 'diagnostics after the save');
    expect(codes(published)).toEqual(['wdm/UnsafeAllocatePool']);
  });

  it('reports a broken config as a diagnostic naming the file and key', async () => {
    const config = join(dir, '.ddirc.json');
    writeFileSync(config, JSON.stringify({ root: true, plugins: ['wdm'], rules: { 'wdm/Nope': 'error' } }));
    const since = client.mark();
    await client.notify('textDocument/didSave', { textDocument: { uri: helperUri } });
    const published = await client.waitForDiagnostics(helperUri, (p) => p.diagnostics.some((d) => d.code === undefined), since, 'the config error');
    expect(published.diagnostics).toHaveLength(1);
    expect(published.diagnostics[0]).toMatchObject({ severity: 1, source: 'ddi-lint', range: { start: { line: 0, character: 0 } } });
    expect(published.diagnostics[0].message).toBe(`ddi-lint: ${config}: rules.wdm/Nope: plugin "wdm" has no rule "Nope"`);
    expect(client.shownMessages).toContain(published.diagnostics[0].message);
  });
});
