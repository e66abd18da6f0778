/**
 * One analysis worker of the `--jobs` pool: it builds its own engine from the run's options (configs and plugins
 * are loaded here, as the main thread loads them) and analyses the units it is sent, publishing which file and
 * rule it is in so that the pool can stop a rule that never returns.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { DdiLint, type DdiLintOptions } from './engine.js';
import { PHASE, PROGRESS, type WorkerEngineOptions, type WorkerReply, type WorkerRequest } from './worker-pool.js';

const port = parentPort!;
const { engine: engineOptions, progress: shared } = workerData as { engine: WorkerEngineOptions; progress: SharedArrayBuffer };
const progress = new Int32Array(shared);
const post = (reply: WorkerReply): void => port.postMessage(reply);

const engine = new DdiLint({
  ...engineOptions,
  ruleOverrides: engineOptions.ruleOverrides as DdiLintOptions['ruleOverrides'],
  debug: engineOptions.debug ? (line) => post({ type: 'debug', line }) : undefined,
});

/**
 * A full collection after each large unit gives its memory back before the next one is parsed. Without core's
 * native addon (`frontEndKind()` 'javascript') tree-sitter's trees live outside the JavaScript heap, uncounted by
 * V8, until a collection happens to run (about 50 bytes per byte of source). The addon deletes each tree at once,
 * but the collection still keeps the peak down: without it a corpus run peaked 60–100 MB higher, while the three
 * collections it makes there take 25–35 ms each.
 */
const LARGE_UNIT_BYTES = 2_000_000;
let collect: (() => void) | undefined;
function releaseTrees(files: readonly { readonly text: string }[]): void {
  if (files.reduce((n, f) => n + f.text.length, 0) < LARGE_UNIT_BYTES) return;
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

post({ type: 'ready' });

const ruleIndex = new Map<string, number>();
const signal = (phase: number, file = 0): void => {
  Atomics.store(progress, PROGRESS.phase, phase);
  Atomics.store(progress, PROGRESS.file, file);
  Atomics.add(progress, PROGRESS.seq, 1);
};

port.on('message', async (request: WorkerRequest) => {
  const { id, job } = request;
  const fileIndex = new Map(job.files.map((f, i) => [f.filePath, i]));
  try {
    signal(PHASE.model);
    const { results, parses } = await engine.analyseUnit(job.files, job.lintOnly ? new Set(job.lintOnly) : undefined, {
      onFileStart: (filePath) => signal(PHASE.rules, fileIndex.get(filePath) ?? 0),
      onRule: (ruleId) => {
        let index = ruleIndex.get(ruleId);
        if (index === undefined) {
          index = ruleIndex.size;
          ruleIndex.set(ruleId, index);
          post({ type: 'rule', index, ruleId });
        }
        Atomics.store(progress, PROGRESS.rule, index);
      },
    });
    signal(PHASE.idle);
    post({ type: 'done', id, results, parses });
    releaseTrees(job.files);
  } catch (error) {
    signal(PHASE.idle);
    const e = error as Error & { reason?: string; filePath?: string; key?: string };
    post({ type: 'error', id, name: e?.name ?? 'Error', message: e?.message ?? String(error), reason: e?.reason, filePath: e?.filePath, key: e?.key });
  }
});
