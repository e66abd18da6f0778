/**
 * The language server: lints open C/C++ documents (with the other sources of their folder, read from disk, so that
 * cross-file IRQL facts hold), publishes diagnostics with the IRQL path as related information, offers the rules'
 * fixes and suggestions as code actions, and reloads configs when a `.ddirc*` file changes.
 */
import type { LintMessage } from '@ddi-lint/core';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
  type InitializeResult,
  type PublishDiagnosticsParams,
  MessageType,
  ShowMessageNotification,
  TextDocumentEdit,
  TextDocumentSyncKind,
  TextDocuments,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SOURCE, compatibleFixes, fileUri, sameRange, toDiagnostic, toTextEdit } from './convert.js';
import { type FolderLint, LintService, type LintServiceOptions, isConfigFile, isSourceFile } from './service.js';

const require = createRequire(import.meta.url);
export const VERSION: string = (require('../package.json') as { version: string }).version;

/** The code action kind of "fix all" (`editor.codeActionsOnSave: { "source.fixAll": … }`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ddi-lint`;

/** What a client may pass as `initializationOptions`. */
export interface InitializationOptions {
  /** As `-c FILE` (relative to the first workspace folder). */
  readonly configFile?: string;
  /** As `--no-config-lookup` when false. */
  readonly useConfigLookup?: boolean;
  readonly reportUnusedDisableDirectives?: 'off' | 'warn' | 'error';
  /** Delay between an edit and the lint it triggers (default 200 ms); open and save lint at once. */
  readonly debounceMs?: number;
  /** Log which config applied to which file to the client's output. */
  readonly debug?: boolean;
}

/** Glob patterns the server asks the client to watch: the config files, and sources whose change affects others. */
export const WATCHED_GLOBS = ['**/.ddirc', '**/.ddirc.{json,yaml,yml,js,cjs,mjs}', '**/ddi.config.{js,cjs,mjs}', '**/package.json', '**/*.{c,h,cpp,cc,cxx,hpp,hxx}'];

interface Published {
  readonly version: number;
  readonly items: readonly { readonly diagnostic: Diagnostic; readonly message: LintMessage }[];
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

function optionsFrom(raw: unknown): InitializationOptions {
  if (typeof raw !== 'object' || raw === null) return {};
  const o = raw as Record<string, unknown>;
  const levels = ['off', 'warn', 'error'];
  return {
    configFile: typeof o.configFile === 'string' && o.configFile ? o.configFile : undefined,
    useConfigLookup: typeof o.useConfigLookup === 'boolean' ? o.useConfigLookup : undefined,
    reportUnusedDisableDirectives: levels.includes(o.reportUnusedDisableDirectives as string)
      ? (o.reportUnusedDisableDirectives as InitializationOptions['reportUnusedDisableDirectives'])
      : undefined,
    debounceMs: typeof o.debounceMs === 'number' && o.debounceMs >= 0 ? o.debounceMs : undefined,
    debug: o.debug === true,
  };
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const published = new Map<string, Published>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  const shownErrors = new Set<string>();
  let service = new LintService();
  let debounceMs = 200;
  /** The client sends didChangeWatchedFiles for our globs; otherwise configs are read again on every save. */
  let watching = false;
  let dynamicWatch = false;
  let documentChanges = false;
  let relatedInformation = false;

  const publish = (params: PublishDiagnosticsParams): void => {
    connection.sendDiagnostics(params).catch((error: unknown) => connection.console.error(`ddi-lint: could not publish diagnostics: ${String(error)}`));
  };
  const isLintable = (doc: TextDocument): boolean => {
    const path = pathOf(doc.uri);
    return path !== undefined && (isSourceFile(path) || doc.languageId === 'c' || doc.languageId === 'cpp');
  };
  const openIn = (dir: string): TextDocument[] => documents.all().filter((d) => isLintable(d) && dirname(pathOf(d.uri)!) === dir);
  const openDirs = (): Set<string> => new Set(documents.all().filter(isLintable).map((d) => dirname(pathOf(d.uri)!)));

  function schedule(dir: string, delay: number): void {
    const pending = timers.get(dir);
    if (pending) clearTimeout(pending);
    timers.set(
      dir,
      setTimeout(() => {
        timers.delete(dir);
        run(dir);
      }, delay),
    );
  }

  /** One lint per folder at a time; a request while one runs makes it run again after. */
  function run(dir: string): void {
    if (running.has(dir)) {
      dirty.add(dir);
      return;
    }
    const done = lintFolder(dir)
      .catch((error: unknown) => connection.console.error(`ddi-lint: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        running.delete(dir);
        if (dirty.delete(dir)) run(dir);
      });
    running.set(dir, done);
  }

  function relintAll(): void {
    for (const dir of openDirs()) schedule(dir, 0);
  }

  function reloadConfigs(): void {
    service.reload();
    shownErrors.clear();
    relintAll();
  }

  async function lintFolder(dir: string): Promise<void> {
    const snapshot = openIn(dir).map((d) => ({ uri: d.uri, path: pathOf(d.uri)!, version: d.version, text: d.getText() }));
    if (!snapshot.length) return;
    let lint: FolderLint;
    try {
      lint = await service.lintFolder(dir, new Map(snapshot.map((s) => [s.path, s.text])));
    } catch (error) {
      const message = `ddi-lint: ${error instanceof Error ? error.message : String(error)}`;
      if (!shownErrors.has(message)) {
        shownErrors.add(message);
        // A notification, not window/showMessageRequest: nothing waits on the user.
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message }).catch(() => undefined);
      }
      for (const s of snapshot) {
        if (documents.get(s.uri)?.version !== s.version) continue;
        const diagnostic: Diagnostic = {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Error,
          source: SOURCE,
          message,
        };
        published.set(s.uri, { version: s.version, items: [] });
        publish({ uri: s.uri, version: s.version, diagnostics: [diagnostic] });
      }
      return;
    }
    const uriByPath = new Map(documents.all().map((d) => [pathOf(d.uri), d.uri]));
    for (const s of snapshot) {
      // Edited (or closed) since: the lint that edit scheduled publishes instead.
      if (documents.get(s.uri)?.version !== s.version) continue;
      const file = lint.files.get(s.path);
      const items = (file?.result.messages ?? []).map((message) => ({
        message,
        diagnostic: toDiagnostic(message, {
          uriOf: (p) => uriByPath.get(p) ?? fileUri(p),
          docsUrl: (ruleId) => file!.docsUrl(ruleId),
          relatedInformation,
        }),
      }));
      published.set(s.uri, { version: s.version, items });
      publish({ uri: s.uri, version: s.version, diagnostics: items.map((i) => i.diagnostic) });
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    dynamicWatch = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    watching = dynamicWatch;
    documentChanges = caps.workspace?.workspaceEdit?.documentChanges === true;
    relatedInformation = caps.textDocument?.publishDiagnostics?.relatedInformation === true;
    const options = optionsFrom(params.initializationOptions);
    if (options.debounceMs !== undefined) debounceMs = options.debounceMs;
    const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const cwd = (root ? pathOf(root) : undefined) ?? params.rootPath ?? process.cwd();
    const serviceOptions: LintServiceOptions = {
      cwd,
      configFile: options.configFile,
      useConfigLookup: options.useConfigLookup,
      reportUnusedDisableDirectives: options.reportUnusedDisableDirectives,
      debug: options.debug ? (line) => connection.console.log(line) : undefined,
    };
    service = new LintService(serviceOptions);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: 'ddi-lint-language-server', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (!dynamicWatch) return;
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) })
      .catch((error: unknown) => {
        watching = false;
        connection.console.warn(`ddi-lint: could not watch config files (${String(error)}); configs are read again on save`);
      });
  });

  documents.onDidChangeContent(({ document }) => {
    if (!isLintable(document)) return;
    // The first content of a document (open) is linted at once, edits after a pause.
    schedule(dirname(pathOf(document.uri)!), published.has(document.uri) ? debounceMs : 0);
  });

  documents.onDidSave(({ document }) => {
    if (!watching) {
      reloadConfigs();
      return;
    }
    if (isLintable(document)) schedule(dirname(pathOf(document.uri)!), 0);
  });

  documents.onDidClose(({ document }) => {
    published.delete(document.uri);
    publish({ uri: document.uri, diagnostics: [] });
    // The folder's other open documents now see the file as it is on disk.
    if (isLintable(document)) schedule(dirname(pathOf(document.uri)!), 0);
  });

  connection.onDidChangeWatchedFiles((params: DidChangeWatchedFilesParams) => {
    watching = true;
    let configChanged = false;
    const dirs = new Set<string>();
    for (const change of params.changes) {
      const path = pathOf(change.uri);
      if (!path) continue;
      if (isConfigFile(path)) configChanged = true;
      else if (isSourceFile(path)) dirs.add(dirname(path));
    }
    if (configChanged) {
      reloadConfigs();
      return;
    }
    const open = openDirs();
    for (const dir of dirs) if (open.has(dir)) schedule(dir, 0);
  });

  connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
    const uri = params.textDocument.uri;
    const document = documents.get(uri);
    const entry = published.get(uri);
    // Fix offsets refer to the text that was linted: offer nothing for a document edited since.
    if (!document || !entry || entry.version !== document.version) return [];
    const only = params.context.only;
    const wanted = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const edit = (edits: TextEdit[]): WorkspaceEdit =>
      documentChanges
        ? { documentChanges: [TextDocumentEdit.create({ uri, version: document.version }, edits)] }
        : { changes: { [uri]: edits } };
    const actions: CodeAction[] = [];
    const allFixes = compatibleFixes(entry.items.map((i) => i.message));

    if (wanted(CodeActionKind.QuickFix)) {
      let anyFix = false;
      for (const diagnostic of params.context.diagnostics) {
        if (diagnostic.source !== SOURCE) continue;
        const item = entry.items.find(
          (i) => i.diagnostic.code === diagnostic.code && i.diagnostic.message === diagnostic.message && sameRange(i.diagnostic.range, diagnostic.range),
        );
        if (!item) continue;
        const m = item.message;
        if (m.fix) {
          anyFix = true;
          actions.push({
            title: `Fix this ${m.ruleId} problem`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            edit: edit([toTextEdit(m.fix, document)]),
          });
        }
        for (const suggestion of m.suggestions ?? []) {
          actions.push({
            title: suggestion.desc,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: edit([toTextEdit(suggestion.fix, document)]),
          });
        }
        if (m.ruleId) {
          const line = diagnostic.range.start.line;
          const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
          const indent = /^[ \t]*/.exec(lineText)![0];
          const eol = lineText.endsWith('\r\n') ? '\r\n' : '\n';
          actions.push({
            title: `Disable ${m.ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: edit([{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}// ddi-lint-disable-next-line ${m.ruleId}${eol}` }]),
          });
        }
      }
      if (anyFix && allFixes.length > 1) {
        actions.push({
          title: 'Fix all auto-fixable ddi-lint problems',
          kind: CodeActionKind.QuickFix,
          edit: edit(allFixes.map((f) => toTextEdit(f, document))),
        });
      }
    }
    // Fix all on request only (e.g. editor.codeActionsOnSave), never in the light bulb.
    if (only && wanted(FIX_ALL_KIND) && allFixes.length) {
      actions.push({ title: 'Fix all auto-fixable ddi-lint problems', kind: FIX_ALL_KIND, edit: edit(allFixes.map((f) => toTextEdit(f, document))) });
    }
    return actions;
  });

  connection.onShutdown(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
