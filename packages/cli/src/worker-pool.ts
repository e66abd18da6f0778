/**
 * The worker pool behind `--jobs N`: analysis units (see units.ts) are handed to worker threads, largest first,
 * and their results put back in unit order, so the output does not depend on the number of workers or on which
 * one finishes first.
 *
 * It is also the supervisor the in-thread time budget cannot be: a rule whose visitor never returns holds its
 * thread, so each worker publishes in shared memory which file and which rule it is in; when one file's rules
 * run past the per-file budget plus a grace period, the worker is terminated, that file gets a fatal message
 * naming the rule, and the unit is analysed again in a new worker with that file's rules left out.
 */
import type { LintMessage, LintResult } from '@ddi-lint/core';
import { Worker } from 'node:worker_threads';
import { ConfigFileError, UsageError } from './config/errors.js';
import type { UnitInput } from './units.js';

/** What a worker needs to build its own engine: the serialisable part of DdiLintOptions. */
export interface WorkerEngineOptions {
  readonly cwd: string;
  readonly overrideConfigFile?: string;
  readonly useConfigLookup?: boolean;
  readonly ruleOverrides?: Readonly<Record<string, unknown>>;
  readonly fix?: boolean;
  readonly maxFileTimeMs?: number;
  readonly reportUnusedDisableDirectives?: 'off' | 'warn' | 'error';
  readonly defines?: Readonly<Record<string, string>>;
  readonly debug?: boolean;
  /** `--cache`: the workers read and keep parses in the cache's `parses/`. */
  readonly cache?: boolean;
  readonly cacheLocation?: string;
}

export interface UnitJob {
  readonly files: readonly UnitInput[];
  /** Paths whose rules run (all files when undefined); the others are only modelled. */
  readonly lintOnly?: readonly string[];
}

/** Slots of the shared progress array. */
export const PROGRESS = { seq: 0, phase: 1, file: 2, rule: 3 } as const;
export const PHASE = { idle: 0, model: 1, rules: 2 } as const;

/** A unit's results, and the keys of the parses they were made from (with `--cache`; the cache keeps those). */
export interface UnitOutcome {
  readonly results: LintResult[];
  readonly parses: readonly string[];
}

export type WorkerRequest = { readonly type: 'unit'; readonly id: number; readonly job: UnitJob };
export type WorkerReply =
  | { readonly type: 'done'; readonly id: number; readonly results: LintResult[]; readonly parses: readonly string[] }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string; readonly reason?: string; readonly filePath?: string; readonly key?: string }
  | { readonly type: 'rule'; readonly index: number; readonly ruleId: string }
  | { readonly type: 'debug'; readonly line: string }
  | { readonly type: 'ready' };

export interface PoolOptions {
  readonly workers: number;
  readonly engine: WorkerEngineOptions;
  /** The per-file rule budget; a worker stuck this long plus the grace period is stopped. */
  readonly maxFileTimeMs: number;
  readonly debug?: (line: string) => void;
  /** The worker script (tests point it at the built file). */
  readonly workerUrl?: URL;
  /** Workers already started (`startWorker`) with the same engine options: used first; those not needed are stopped. */
  readonly started?: readonly StartedWorker[];
}

/** How long past the per-file budget a worker may stay silent before it is stopped. */
export function graceMs(budgetMs: number): number {
  return Math.max(2_000, budgetMs);
}

function defaultWorkerUrl(): URL {
  // Under the test runner this module is the TypeScript source; the worker is always the built file.
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../dist/worker.js', here) : new URL('./worker.js', here);
}

/**
 * A worker started before its units are known, so that it loads (modules, plugins, configs: about 0.3 s) while the
 * main thread reads and groups the files. What it reports before `runInWorkers` adopts it is kept and replayed.
 */
export interface StartedWorker {
  readonly worker: Worker;
  readonly progress: Int32Array;
  /** Stop keeping its events and hand them over (once). */
  readonly adopt: () => readonly StartedWorkerEvent[];
  /** Stop it without adopting it, as soon as that is safe (see `stopWhenLoaded`). */
  readonly stop: () => void;
}

type StartedWorkerEvent =
  | { readonly kind: 'message'; readonly reply: WorkerReply }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'exit'; readonly code: number };

export function startWorker(engine: WorkerEngineOptions, workerUrl: URL = defaultWorkerUrl()): StartedWorker {
  const shared = new SharedArrayBuffer(4 * 4);
  // None of the parent's node options: V8 flags are refused in workers, and the worker runs the built files
  // even when the parent runs the sources under other export conditions (the test runner).
  const worker = new Worker(workerUrl, { workerData: { engine, progress: shared }, execArgv: [] });
  const events: StartedWorkerEvent[] = [];
  const onMessage = (reply: WorkerReply): void => void events.push({ kind: 'message', reply });
  const onError = (error: Error): void => void events.push({ kind: 'error', error });
  const onExit = (code: number): void => void events.push({ kind: 'exit', code });
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  const adopt = (): StartedWorkerEvent[] => {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    return events.splice(0);
  };
  return {
    worker,
    progress: new Int32Array(shared),
    adopt,
    stop: () => {
      const early = adopt();
      if (early.some((e) => e.kind === 'exit')) return;
      worker.on('error', () => undefined);
      stopWhenLoaded(worker, early.some((e) => e.kind === 'message' && e.reply.type === 'ready'));
    },
  };
}

/**
 * Terminate a worker, but not while it is still loading: a worker stopped in the middle of loading the native
 * tree-sitter bindings can abort the whole process (their C++ wrapper throws where nothing catches; seen in 2 of 3
 * runs of 60 workers stopped at random times during start-up). One that has not said it is ready is stopped
 * when it does; one that fails to load exits on its own.
 */
function stopWhenLoaded(worker: Worker, loaded: boolean): void {
  if (loaded) {
    void worker.terminate();
    return;
  }
  worker.on('message', (reply: WorkerReply) => {
    if (reply.type === 'ready') void worker.terminate();
  });
}

interface Pending {
  readonly index: number;
  readonly unit: UnitJob;
  /** The unit's source size: the order of the queue and what counts as a big unit. */
  readonly bytes: number;
  /** Files whose rules were stopped, with the message that says so. */
  readonly stopped: Map<string, LintMessage>;
}

interface Slot {
  worker: Worker;
  progress: Int32Array;
  ruleIds: string[];
  task?: Pending;
  /** The worker has loaded: a failure before that is the pool's, not one unit's. */
  ready: boolean;
  lastSeq: number;
  lastChange: number;
  /** When the current task was sent. */
  sentAt: number;
}

/** Analyse units in worker threads; returns each unit's outcome, in unit order. */
export async function runInWorkers(units: readonly UnitJob[], options: PoolOptions): Promise<UnitOutcome[]> {
  const results: UnitOutcome[] = new Array(units.length);
  const errors: { index: number; error: Error }[] = [];
  // Largest units first, so that one big driver does not start last and finish alone.
  const queue: Pending[] = units
    .map((unit, index) => ({ index, unit, bytes: unit.files.reduce((n, f) => n + f.text.length, 0), stopped: new Map<string, LintMessage>() }))
    .sort((a, b) => b.bytes - a.bytes || a.index - b.index);
  const workerUrl = options.workerUrl ?? defaultWorkerUrl();
  const count = Math.max(1, Math.min(options.workers, units.length));
  const slots: Slot[] = [];
  const limit = options.maxFileTimeMs + graceMs(options.maxFileTimeMs);
  const totalBytes = queue.reduce((n, t) => n + t.bytes, 0);
  // A unit with more than a sixteenth of the run's source is big (on Windows-driver-samples: the two largest).
  const bigUnit = count > 1 ? totalBytes / 16 : Infinity;
  const idle: Slot[] = [];

  await new Promise<void>((resolveAll, rejectAll) => {
    let running = 0;
    let finished = false;
    const finish = (error?: Error): void => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const s of slots) stopWhenLoaded(s.worker, s.ready);
      if (error) rejectAll(error);
      else resolveAll();
    };

    /** A slot for a started worker, listened to from now on; what it reported before is replayed in order. */
    const adopt = (started: StartedWorker): Slot => {
      const { worker } = started;
      const slot: Slot = { worker, progress: started.progress, ruleIds: [], ready: false, lastSeq: -1, lastChange: Date.now(), sentAt: 0 };
      slots.push(slot);
      const early = started.adopt();
      worker.on('message', (reply: WorkerReply) => onReply(slot, reply));
      worker.on('error', (error) => onExit(slot, `it failed: ${error.message}`));
      worker.on('exit', (code) => onExit(slot, `it exited with code ${code}`));
      for (const event of early) {
        if (event.kind === 'message') onReply(slot, event.reply);
        else onExit(slot, event.kind === 'error' ? `it failed: ${event.error.message}` : `it exited with code ${event.code}`);
      }
      return slot;
    };
    const spawn = (): Slot => adopt(startWorker(options.engine, workerUrl));

    const next = (slot: Slot): void => {
      // One big unit at a time: each thread keeps the memory of the largest unit it has analysed, so two big ones
      // side by side would set the peak. The other workers take the smaller units meanwhile.
      const bigBusy = slots.some((s) => s.task && s.task.bytes > bigUnit);
      const at = queue.findIndex((t) => !bigBusy || t.bytes <= bigUnit);
      if (at < 0) {
        if (queue.length) idle.push(slot);
        else if (running === 0) finish();
        return;
      }
      const [task] = queue.splice(at, 1);
      slot.task = task;
      slot.sentAt = Date.now();
      slot.lastSeq = -1;
      slot.lastChange = Date.now();
      running++;
      const files = task.unit.lintOnly ?? task.unit.files.map((f) => f.filePath);
      const lintOnly = task.stopped.size ? files.filter((f) => !task.stopped.has(f)) : task.unit.lintOnly;
      const request: WorkerRequest = { type: 'unit', id: task.index, job: { files: task.unit.files, lintOnly } };
      slot.worker.postMessage(request);
    };

    const onReply = (slot: Slot, reply: WorkerReply): void => {
      if (reply.type === 'debug') {
        options.debug?.(reply.line);
        return;
      }
      if (reply.type === 'ready') {
        slot.ready = true;
        return;
      }
      if (reply.type === 'rule') {
        slot.ruleIds[reply.index] = reply.ruleId;
        return;
      }
      const task = slot.task;
      if (!task || task.index !== reply.id) return;
      slot.task = undefined;
      running--;
      options.debug?.(`analysis unit ${task.index + 1} of ${units.length} (${task.unit.files.length} files from ${task.unit.files[0].filePath}): ${Date.now() - slot.sentAt} ms in worker ${slot.worker.threadId}`);
      if (reply.type === 'done') results[task.index] = { results: withStopped(task, reply.results), parses: reply.parses };
      else errors.push({ index: task.index, error: rebuildError(reply) });
      next(slot);
      for (const waiting of idle.splice(0)) next(waiting);
    };

    const onExit = (slot: Slot, why: string): void => {
      if (finished) return;
      const index = slots.indexOf(slot);
      if (index < 0) return;
      if (!slot.ready) {
        finish(new Error(`could not start an analysis worker: ${why}`));
        return;
      }
      const task = slot.task;
      slots.splice(index, 1);
      if (task) {
        running--;
        slot.task = undefined;
        const { filePath } = current(slot, task);
        if (filePath && !task.stopped.has(filePath)) {
          // One file's analysis killed the worker: report it there and analyse the rest of the unit again.
          task.stopped.set(filePath, fatal(`The analysis worker stopped while the rules ran on ${filePath}: ${why}; this file's rules were skipped`));
          queue.unshift(task);
        } else {
          results[task.index] = { results: unitFailed(task, `the analysis worker stopped while modelling the files of this driver (${why})`), parses: [] };
        }
      }
      next(spawn());
    };

    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const slot of [...slots]) {
        if (!slot.task) continue;
        const seq = Atomics.load(slot.progress, PROGRESS.seq);
        if (seq !== slot.lastSeq) {
          slot.lastSeq = seq;
          slot.lastChange = now;
          continue;
        }
        if (Atomics.load(slot.progress, PROGRESS.phase) !== PHASE.rules || now - slot.lastChange <= limit) continue;
        const task = slot.task;
        const { filePath, ruleId } = current(slot, task);
        if (!filePath) continue;
        task.stopped.set(
          filePath,
          fatal(
            `Rule ${ruleId ?? '(unknown)'} did not return within the per-file budget of ${options.maxFileTimeMs} ms on ${filePath} and was stopped (its worker was terminated); this file's other rules were skipped too`,
            ruleId,
          ),
        );
        slot.task = undefined;
        running--;
        queue.unshift(task);
        slots.splice(slots.indexOf(slot), 1);
        slot.worker.removeAllListeners('exit');
        slot.worker.removeAllListeners('error');
        void slot.worker.terminate();
        next(spawn());
      }
    }, Math.min(250, Math.max(20, options.maxFileTimeMs / 4)));

    const started = options.started ?? [];
    for (const extra of started.slice(count)) extra.stop();
    for (let i = 0; i < count; i++) {
      if (i < started.length) adopt(started[i]!);
      else spawn();
    }
    for (const slot of [...slots]) if (!finished && slots.includes(slot) && !slot.task) next(slot);
  });

  if (errors.length) throw errors.sort((a, b) => a.index - b.index)[0].error;
  return results;
}

function current(slot: Slot, task: Pending): { filePath?: string; ruleId?: string } {
  const phase = Atomics.load(slot.progress, PROGRESS.phase);
  if (phase !== PHASE.rules) return {};
  const file = task.unit.files[Atomics.load(slot.progress, PROGRESS.file)];
  return { filePath: file?.filePath, ruleId: slot.ruleIds[Atomics.load(slot.progress, PROGRESS.rule)] };
}

function fatal(message: string, ruleId?: string): LintMessage {
  return { ruleId: ruleId ?? null, severity: 2, fatal: true, message, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** The unit's results, with a result for each stopped file (its rules were left out of the last run). */
function withStopped(task: Pending, results: LintResult[]): LintResult[] {
  if (!task.stopped.size) return results;
  const stoppedResults = [...task.stopped].map(([filePath, message]) => resultOf(filePath, message));
  return [...results.filter((r) => !task.stopped.has(r.filePath)), ...stoppedResults];
}

function resultOf(filePath: string, message: LintMessage): LintResult {
  return {
    filePath,
    messages: [message],
    suppressedMessages: [],
    errorCount: 1,
    warningCount: 0,
    fatalErrorCount: 1,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
  };
}

function unitFailed(task: Pending, why: string): LintResult[] {
  const wanted = new Set(task.unit.lintOnly ?? task.unit.files.map((f) => f.filePath));
  return task.unit.files
    .filter((f) => wanted.has(f.filePath))
    .map((f) => resultOf(f.filePath, task.stopped.get(f.filePath) ?? fatal(`Analysis failed: ${why}`)));
}

function rebuildError(reply: Extract<WorkerReply, { type: 'error' }>): Error {
  if (reply.name === 'ConfigFileError') return new ConfigFileError(reply.reason ?? reply.message, reply.filePath, reply.key);
  if (reply.name === 'UsageError') return new UsageError(reply.message);
  const error = new Error(reply.message) as Error & { key?: string; filePath?: string };
  error.name = reply.name;
  if (reply.key) error.key = reply.key;
  if (reply.filePath) error.filePath = reply.filePath;
  return error;
}
