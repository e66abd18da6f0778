/**
 * `--cache`: the results of each analysis unit, keyed by a hash of everything they depend on — the text and
 * path of every file in the unit (a unit holds every file whose functions, headers or registrations its
 * results can see), each file's config, the plugins and their versions, ddi-lint's version and the options
 * that change results. An unchanged re-run reads every unit back; a changed file re-analyses its own unit only,
 * and parses only itself: the parses of the other files are read back from `parses/` (`DiskParseStore`), and the
 * analyses of the functions whose questions to the rest of the unit get the same answers from `analyses/`
 * (`DiskAnalysisStore`; see core's `analysis-memo.ts`). Stored as one JSON file per unit, one binary file per
 * parsed source under `parses/`, and one JSON file of function records per source file (by its path, not its text
 * or config) under `analyses/`, in `node_modules/.cache/ddi-lint` (or `--cache-location`).
 */
import type { AnalysisStore, FunctionRecords, LintResult, ParseStore, Plugin } from '@ddi-lint/core';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { ExpandedConfig } from './config/config-loader.js';

/** Bumped when the stored shape or the meaning of a key changes. */
const FORMAT = 1;

export class ResultCache {
  /** Why the cache could not be written (the first failure), for a warning: the run goes on without it. */
  problem?: string;
  private readonly used = new Set<string>();
  /** The parses the units this run used were made from: kept by `prune`. */
  private readonly usedParses = new Set<string>();
  private readonly fingerprints = new WeakMap<object, string>();
  /** The keys of this run's files' function records: kept by `prune`. */
  private readonly usedAnalyses = new Set<string>();

  constructor(
    readonly directory: string,
    /** Whatever applies to the whole run: versions and result-changing options. */
    private readonly salt: string,
    /**
     * What the function records depend on besides what they check themselves: the versions of the analysis. Not
     * the config or `-D`: a record holds the macro lookups and constants its function read, and is used only where
     * they answer the same.
     */
    private readonly analysisSalt: string,
  ) {}

  /** A stable text for a config: its rules, settings, overrides and ignore patterns, and its plugins by name and version. */
  fingerprint(config: ExpandedConfig | undefined): string {
    if (!config) return 'embedded';
    const known = this.fingerprints.get(config);
    if (known) return known;
    const text = JSON.stringify(config, (key, value) => {
      if (key === 'plugins' && value && typeof value === 'object') {
        return Object.entries(value as Record<string, Plugin>)
          .map(([name, plugin]) => `${name}=${plugin.meta?.name ?? ''}@${plugin.meta?.version ?? ''}:${Object.keys(plugin.rules ?? {}).join(',')}`)
          .sort();
      }
      if (key === 'sources' || key === 'ruleOrigins') return undefined;
      return value;
    });
    const hash = sha256(text);
    this.fingerprints.set(config, hash);
    return hash;
  }

  keyOf(files: readonly { readonly filePath: string; readonly text: string; readonly config: string }[], lintOnly: readonly string[] | undefined): string {
    const h = createHash('sha256');
    h.update(`ddi-lint-cache ${FORMAT}\0${this.salt}\0`);
    for (const f of files) h.update(`${f.filePath}\0${f.config}\0${sha256(f.text)}\0`);
    h.update(`lintOnly\0${lintOnly ? lintOnly.join('\0') : '*'}`);
    return h.digest('hex');
  }

  /** The function records of these files are this run's (`prune` keeps them), whether or not their units are analysed. */
  useAnalysesOf(filePaths: readonly string[]): void {
    for (const filePath of filePaths) this.usedAnalyses.add(analysesKeyOf(this.analysisSalt, filePath));
  }

  get(key: string): LintResult[] | undefined {
    try {
      const stored = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as { key: string; results: LintResult[]; parses?: string[] };
      if (stored.key !== key || !Array.isArray(stored.results)) return undefined;
      this.used.add(key);
      for (const p of stored.parses ?? []) this.usedParses.add(p);
      return stored.results;
    } catch {
      return undefined; // missing or unreadable: analyse again
    }
  }

  /** Keep a unit's results; `parses`: the keys of the parses its files were made from, which `prune` then keeps. */
  set(key: string, results: readonly LintResult[], parses: readonly string[] = []): void {
    for (const p of parses) this.usedParses.add(p);
    // A result cut short by a time budget depends on the machine's speed, not on the input: never kept.
    if (results.some((r) => r.messages.some((m) => m.ruleId === null ? /per-file budget/.test(m.message) : m.fatal))) return;
    if (this.problem) return;
    try {
      writeAtomically(this.pathOf(key), JSON.stringify({ key, results, parses }));
      this.used.add(key);
    } catch (error) {
      this.problem = `the cache cannot be written at ${this.directory} (${(error as Error).message}); this run's results are not cached`;
    }
  }

  /**
   * Remove the entries this run did not use, and the parses none of the used entries was made from (after a
   * complete, unsharded run, so that the cache does not grow forever).
   */
  prune(): void {
    if (this.problem) return;
    removeUnused(this.directory, /^([0-9a-f]{64})\.json$/, this.used);
    removeUnused(join(this.directory, PARSES), /^([0-9a-f]{64})\.bin$/, this.usedParses);
    removeUnused(join(this.directory, ANALYSES), /^([0-9a-f]{64})\.json$/, this.usedAnalyses);
  }

  private pathOf(key: string): string {
    return join(this.directory, `${key}.json`);
  }
}

/**
 * When the cache directory last changed (a run that analysed a unit writes its entry there), or undefined when
 * there is none yet: a file modified since then probably means a unit to analyse.
 */
export function cacheWrittenAt(directory: string): number | undefined {
  try {
    return statSync(directory, { throwIfNoEntry: false })?.mtimeMs;
  } catch {
    return undefined;
  }
}

const PARSES = 'parses';
const ANALYSES = 'analyses';

/** How many function analyses a unit read back and how many it ran (for `--debug`). */
export type AnalysisCounts = Parameters<AnalysisStore['write']>[1];

/** A parse store that counts what it read back and was given, and remembers every key asked for (for `--debug` and the unit's cache entry). */
export interface CountingParseStore extends ParseStore {
  readonly directory: string;
  readonly keys: ReadonlySet<string>;
  readonly hits: number;
  readonly writes: number;
}

/** The records of several files as one: what `AnalysisStore.read` returns (undefined when no file has any). */
function mergeRecords(filePaths: readonly string[], recordsOf: (filePath: string) => FunctionRecords | undefined): FunctionRecords | undefined {
  const merged: FunctionRecords = {};
  let found = false;
  for (const filePath of filePaths) {
    const records = recordsOf(filePath);
    if (!records) continue;
    Object.assign(merged, records);
    found = true;
  }
  return found ? merged : undefined;
}

/**
 * The function records under `<cache>/analyses`, one file per source file (named by `analysesKeyOf`), so that they
 * outlive a change of the unit around them (a file added to the driver) as well as of texts, config and `-D`.
 * Counts for `--debug`.
 */
export class DiskAnalysisStore implements AnalysisStore {
  private readonly directory: string;
  /** The text read for each file, so that a file whose records did not change is not written again. */
  private readonly readTexts = new Map<string, string>();
  counts?: AnalysisCounts;

  constructor(
    cacheDirectory: string,
    private readonly analysisSalt: string,
  ) {
    this.directory = join(cacheDirectory, ANALYSES);
  }

  read(filePaths: readonly string[]): FunctionRecords | undefined {
    return mergeRecords(filePaths, (filePath) => {
      try {
        const text = readFileSync(this.pathOf(filePath), 'utf8');
        const stored = JSON.parse(text) as { filePath: string; records: FunctionRecords };
        if (stored.filePath !== filePath || !stored.records || typeof stored.records !== 'object') return undefined;
        this.readTexts.set(filePath, text);
        return stored.records;
      } catch {
        // None yet, or unreadable: that file's functions are analysed.
        return undefined;
      }
    });
  }

  write(recordsByFile: ReadonlyMap<string, FunctionRecords>, counts: AnalysisCounts): void {
    this.counts = { reused: counts.reused, analysed: counts.analysed };
    for (const [filePath, records] of recordsByFile) {
      const text = JSON.stringify({ filePath, records });
      if (text === this.readTexts.get(filePath)) continue;
      try {
        writeAtomically(this.pathOf(filePath), text);
      } catch {
        // Records that cannot be kept are made again next time; the results do not depend on them.
      }
    }
  }

  private pathOf(filePath: string): string {
    return join(this.directory, `${analysesKeyOf(this.analysisSalt, filePath)}.json`);
  }
}

/** The key of a source file's function records: its path and the analysis's versions, not its text. */
function analysesKeyOf(analysisSalt: string, filePath: string): string {
  return sha256(`ddi-lint-analyses ${FORMAT}\0${analysisSalt}\0${filePath}`);
}

/**
 * The parsed sources (the front end's trees; see core's `parse-cache.ts`) under `<cache>/parses`, one file per
 * parse, named by its key. Counts what it read back and what it was given, for `--debug`.
 */
export class DiskParseStore implements CountingParseStore {
  readonly directory: string;
  /** Every key asked for: the parses the unit's files were made from (what its cache entry keeps). */
  readonly keys = new Set<string>();
  private readonly readKeys = new Set<string>();
  writes = 0;
  /** The parses read and used (one that could not be used is parsed again and written). */
  get hits(): number {
    return this.readKeys.size;
  }

  constructor(cacheDirectory: string) {
    this.directory = join(cacheDirectory, PARSES);
  }

  read(key: string): Uint8Array | undefined {
    this.keys.add(key);
    try {
      const bytes = readFileSync(join(this.directory, `${key}.bin`));
      this.readKeys.add(key);
      return bytes;
    } catch {
      return undefined;
    }
  }

  write(key: string, bytes: Uint8Array): void {
    this.readKeys.delete(key);
    try {
      writeAtomically(join(this.directory, `${key}.bin`), bytes);
      this.writes++;
    } catch {
      // A parse that cannot be kept is made again next time; the results do not depend on it.
    }
  }
}

/**
 * Write a file whole or not at all: to a temporary name of this process and thread, then renamed (a reader, or
 * another run, never sees half a file). Throws what the file system throws.
 */
function writeAtomically(target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${threadId}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, target);
}

function removeUnused(directory: string, entry: RegExp, used: ReadonlySet<string>): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  const staleBefore = Date.now() - STALE_TEMP_MS;
  for (const name of names) {
    const m = entry.exec(name);
    try {
      if (m && !used.has(m[1])) rmSync(join(directory, name), { force: true });
      // A temporary file left by a run that was stopped while writing (another run may be writing one now).
      else if (!m && name.endsWith('.tmp') && statSync(join(directory, name)).mtimeMs < staleBefore) rmSync(join(directory, name), { force: true });
    } catch {
      // Left for the next run to remove; an entry that is not used is never read.
    }
  }
}

/** How old a temporary file must be before `prune` takes it for the leftover of a stopped run. */
const STALE_TEMP_MS = 60 * 60 * 1000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Parses and function records kept in memory between the lints of one engine (`DdiLintOptions.memoryCache`: the
 * language server, which lints a folder again after every edit): the edited file is parsed and its functions
 * analysed again, the rest read back, as with `--cache` but without the disk. Parses are kept as their encoded
 * bytes (each lint builds fresh trees from them), the least recently used dropped beyond `maxParseBytes`.
 */
export class MemoryCache {
  private readonly parses = new Map<string, Uint8Array>();
  private parseBytes = 0;
  private readonly records = new Map<string, FunctionRecords>();

  constructor(
    private readonly maxParseBytes = 256 * 1024 * 1024,
    private readonly maxRecordFiles = 20_000,
  ) {}

  /** A store for one unit's lint (its counts are that unit's). */
  parseStore(): CountingParseStore {
    const cache = this;
    const keys = new Set<string>();
    let hits = 0;
    let writes = 0;
    return {
      directory: '(memory)',
      keys,
      get hits() {
        return hits;
      },
      get writes() {
        return writes;
      },
      read(key) {
        keys.add(key);
        const bytes = cache.parses.get(key);
        if (!bytes) return undefined;
        // Most recently used last.
        cache.parses.delete(key);
        cache.parses.set(key, bytes);
        hits++;
        return bytes;
      },
      write(key, bytes) {
        const old = cache.parses.get(key);
        if (old) cache.parseBytes -= old.byteLength;
        cache.parses.delete(key);
        cache.parses.set(key, bytes);
        cache.parseBytes += bytes.byteLength;
        writes++;
        for (const [oldest, oldBytes] of cache.parses) {
          if (cache.parseBytes <= cache.maxParseBytes || oldest === key) break;
          cache.parses.delete(oldest);
          cache.parseBytes -= oldBytes.byteLength;
        }
      },
    };
  }

  /** A store of function records for one unit's lint. */
  analysisStore(): AnalysisStore & { counts?: AnalysisCounts } {
    const cache = this;
    const store: AnalysisStore & { counts?: AnalysisCounts } = {
      read: (filePaths) => mergeRecords(filePaths, (filePath) => cache.records.get(filePath)),
      write(recordsByFile, counts) {
        store.counts = { reused: counts.reused, analysed: counts.analysed };
        for (const [filePath, records] of recordsByFile) {
          cache.records.delete(filePath);
          cache.records.set(filePath, records);
        }
        for (const oldest of cache.records.keys()) {
          if (cache.records.size <= cache.maxRecordFiles) break;
          cache.records.delete(oldest);
        }
      },
    };
    return store;
  }
}
