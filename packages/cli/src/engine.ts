/**
 * DdiLint: files and config lookup around the core Linter (like ESLint's `ESLint` class). It finds the files,
 * resolves each one's config, reads them, lints them together as one program, and can write fixes back.
 */
import {
  type DriverModel,
  type LintMessage,
  type LintOptions,
  type LintResult,
  Linter,
  type Plugin,
  type ResolvedConfig,
  type RuleEntry,
  type RuleMeta,
  findRule,
  frontEndKind,
  irqlSettingsFrom,
  normalizeRuleEntry,
  validateRuleOptions,
  buildProgram,
} from '@ddi-lint/core';
import { renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type CountingParseStore, DiskAnalysisStore, DiskParseStore, MemoryCache, ResultCache, cacheWrittenAt } from './cache.js';
import {
  ConfigLoader,
  EMPTY_CONFIG,
  type ExpandedConfig,
  configForFile,
  isIgnored,
  mergeConfigs,
} from './config/config-loader.js';
import { ConfigFileError, UsageError } from './config/errors.js';
import { BUNDLED_PLUGINS } from './config/plugins.js';
import { DEFAULT_EXTENSIONS, type SourceEncoding, encodeSource, findFiles, readSource } from './files.js';
import { type UnitInput, partitionIntoUnits } from './units.js';
import { type StartedWorker, type UnitJob, type UnitOutcome, type WorkerEngineOptions, runInWorkers, startWorker } from './worker-pool.js';

const require = createRequire(import.meta.url);
const CLI_VERSION = (require('../package.json') as { version: string }).version;
const CORE_VERSION = (require('@ddi-lint/core/package.json') as { version: string }).version;
/** What function records depend on besides what each checks itself (see cache.ts): the analysis's versions. */
const ANALYSIS_SALT = JSON.stringify({ version: CLI_VERSION, core: CORE_VERSION });

export interface DdiLintOptions {
  readonly cwd?: string;
  /** `-c FILE`: use this config instead of the lookup. */
  readonly overrideConfigFile?: string;
  /** `--no-config-lookup` sets this false: only `-c` or the embedded default apply. */
  readonly useConfigLookup?: boolean;
  /** `--rule 'id: severity'`, applied last. */
  readonly ruleOverrides?: Readonly<Record<string, RuleEntry>>;
  readonly fix?: boolean;
  /** `--shard i/n`: report only the i-th of n deterministic parts of the files (1-based). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Files larger than this many bytes are skipped with a notice (default 16 MiB). */
  readonly maxFileSize?: number;
  /** Per-file time budget for the rules, in milliseconds (default 60 s). */
  readonly maxFileTimeMs?: number;
  /** `--report-unused-disable-directives`. */
  readonly reportUnusedDisableDirectives?: 'off' | 'warn' | 'error';
  readonly extensions?: readonly string[];
  /** Receives `--debug` lines. */
  readonly debug?: (line: string) => void;
  /**
   * `--jobs N`: analyse the units in N worker threads (which also stops a rule that never returns). 0 or unset:
   * in this thread, one unit after the other. The results are the same either way.
   */
  readonly jobs?: number;
  /** `--cache`: keep each unit's results and reuse them while nothing they depend on changes. */
  readonly cache?: boolean;
  /**
   * Keep parses and function analyses in memory between this engine's lints (the language server, which lints a
   * folder again after each edit): only what changed is parsed and analysed again. Not with `cache`, which keeps
   * them on disk.
   */
  readonly memoryCache?: boolean;
  /** `--cache-location DIR` (default node_modules/.cache/ddi-lint under cwd). */
  readonly cacheLocation?: string;
  /** `-D NAME[=VALUE]`: macros the build defines, added to `settings.defines` (they pick `#if` branches). */
  readonly defines?: Readonly<Record<string, string>>;
  /** The worker script (tests run from sources and point at the built one). */
  readonly workerUrl?: URL;
}

/** The per-file time budget for the rules when none is given. */
export const DEFAULT_MAX_FILE_TIME_MS = 60_000;

/** The preset the embedded default applies per driver model. */
export const EMBEDDED_PRESETS: Readonly<Record<DriverModel, string>> = {
  wdm: 'wdm/recommended',
  kmdf: 'kmdf/recommended',
  storport: 'storport/recommended',
  user: 'wdm/user-mode',
};

const SEVERITY_NAMES = ['off', 'warn', 'error'] as const;

/** A file's driver model from its own includes and those of the headers beside it that it includes. */
export function driverModelOf(filePath: string, text: string): DriverModel {
  const inputs = [{ filePath, text }];
  const dir = dirname(filePath);
  for (const m of text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
    const header = resolve(dir, m[1]);
    const read = readSource(header);
    if (!('error' in read)) inputs.push({ filePath: header, text: read.text });
  }
  const { program } = buildProgram(inputs);
  return program.driverModel(program.fileModel(filePath)!);
}

export class DdiLint {
  readonly cwd: string;
  private readonly loader = new ConfigLoader();
  private readonly embedded = new Map<DriverModel, ExpandedConfig>();
  private readonly usedPlugins = new Map<string, Plugin>(Object.entries(BUNDLED_PLUGINS));
  private readonly encodings = new Map<string, SourceEncoding>();
  /** What went wrong around the run without changing its results (a cache that cannot be written): for stderr. */
  readonly warnings: string[] = [];

  /** Parses and function records kept between lints (`memoryCache`). */
  private readonly memory?: MemoryCache;

  constructor(private readonly options: DdiLintOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    if (options.memoryCache && !options.cache) this.memory = new MemoryCache();
  }

  private debug(line: string): void {
    this.options.debug?.(line);
  }

  /** The expanded config of a file, before the driver model is known; undefined means "embedded default". */
  async baseConfigFor(filePath: string): Promise<ExpandedConfig | undefined> {
    if (this.options.overrideConfigFile) return this.loader.loadFile(resolve(this.cwd, this.options.overrideConfigFile));
    if (this.options.useConfigLookup === false) return undefined;
    return this.loader.forDirectory(dirname(filePath));
  }

  private async embeddedConfig(model: DriverModel): Promise<ExpandedConfig> {
    let config = this.embedded.get(model);
    if (!config) {
      config = await this.loader.expand({ extends: [EMBEDDED_PRESETS[model]] }, undefined, []);
      this.embedded.set(model, config);
    }
    return config;
  }

  private ruleOverrideLayer(): ExpandedConfig | undefined {
    const overrides = this.options.ruleOverrides;
    if (!overrides || !Object.keys(overrides).length) return undefined;
    const rules: Record<string, readonly [0 | 1 | 2, ...unknown[]]> = {};
    for (const [id, entry] of Object.entries(overrides)) {
      try {
        rules[id] = normalizeRuleEntry(entry, `--rule ${id}`) as readonly [0 | 1 | 2, ...unknown[]];
      } catch (error) {
        throw new ConfigFileError((error as Error).message, undefined, `--rule ${id}`);
      }
    }
    return { ...EMPTY_CONFIG, rules, ruleOrigins: Object.fromEntries(Object.keys(rules).map((id) => [id, '--rule'])) };
  }

  /** Turn an expanded config into what the Linter takes, checking that every enabled rule exists. */
  resolve(config: ExpandedConfig, filePath: string): ResolvedConfig {
    const perFile = configForFile(config, filePath);
    const plugins = { ...perFile.plugins };
    for (const [id, entry] of Object.entries(perFile.rules)) {
      if (entry[0] === 0) continue;
      if (findRule(id, plugins)) continue;
      const origin = perFile.ruleOrigins[id];
      const slash = id.lastIndexOf('/');
      const prefix = slash > 0 ? id.slice(0, slash) : '';
      const reason =
        slash <= 0
          ? `"${id}" is not a rule id: rule ids are "plugin/Rule", e.g. "wdm/IrqlExAllocatePool"`
          : plugins[prefix]
            ? `plugin "${prefix}" has no rule "${id.slice(slash + 1)}"${suggestRule(id.slice(slash + 1), plugins[prefix])}`
            : `definition for rule "${id}" was not found: plugin "${prefix}" is not loaded (add "${prefix}" to "plugins" or extend one of its presets)`;
      throw new ConfigFileError(reason, origin === '--rule' ? undefined : origin, origin === '--rule' ? `--rule ${id}` : `rules.${id}`);
    }
    for (const [id, entry] of Object.entries(perFile.rules)) {
      if (entry[0] === 0) continue;
      const rule = findRule(id, plugins)!;
      const problems = validateRuleOptions(entry.slice(1), rule.meta.schema);
      if (problems.length) {
        const origin = perFile.ruleOrigins[id];
        throw new ConfigFileError(`invalid options: ${problems[0]}`, origin === '--rule' ? undefined : origin, origin === '--rule' ? `--rule ${id}` : `rules.${id}`);
      }
    }
    for (const [name, plugin] of Object.entries(plugins)) this.usedPlugins.set(name, plugin);
    return { rules: perFile.rules, settings: perFile.settings, plugins };
  }

  /**
   * The config that applies to one file, as `--print-config` shows it: the cascade (or `-c`, or the embedded
   * default for the file's driver model, read from its includes), its overrides and `--rule`.
   */
  async calculateConfigForFile(filePath: string): Promise<{ rules: Record<string, unknown>; settings: unknown; plugins: string[]; sources: string[]; driverModel: DriverModel }> {
    const abs = resolve(this.cwd, filePath);
    const read = readSource(abs);
    if ('error' in read) throw new UsageError(read.error);
    const model = driverModelOf(abs, read.text);
    const base = await this.baseConfigFor(abs);
    for (const m of Object.keys(EMBEDDED_PRESETS) as DriverModel[]) await this.embeddedConfig(m);
    let expanded = base ?? this.embedded.get(model)!;
    const overrides = this.ruleOverrideLayer();
    if (overrides) expanded = mergeConfigs(expanded, overrides);
    const resolved = this.resolve(expanded, abs);
    return {
      rules: Object.fromEntries(Object.entries(resolved.rules).map(([id, [sev, ...opts]]) => [id, opts.length ? [SEVERITY_NAMES[sev], ...opts] : SEVERITY_NAMES[sev]])),
      settings: resolved.settings,
      plugins: Object.keys(resolved.plugins),
      sources: base ? [...base.sources] : [`embedded default ${EMBEDDED_PRESETS[model]}`],
      driverModel: model,
    };
  }

  /** Every rule's meta from every plugin used so far (formatters describe rules with it). */
  rulesMeta(): Record<string, RuleMeta> {
    const out: Record<string, RuleMeta> = {};
    for (const [name, plugin] of this.usedPlugins) for (const [id, rule] of Object.entries(plugin.rules)) out[`${name}/${id}`] = rule.meta;
    return out;
  }

  async lintFiles(patterns: readonly string[]): Promise<LintResult[]> {
    // With --jobs, one worker may start loading (about 0.3 s) while this thread finds, reads and groups the files;
    // it is stopped if no unit needs analysing after all, or the run fails first.
    // (A pool that takes them over empties `early`: what is left there is this method's to stop.)
    const early: StartedWorker[] = [];
    try {
      return await this.lintFilesWith(patterns, early);
    } finally {
      for (const started of early) started.stop();
    }
  }

  private async lintFilesWith(patterns: readonly string[], early: StartedWorker[]): Promise<LintResult[]> {
    this.debug(
      frontEndKind() === 'native'
        ? 'front end: native addon (tree-sitter parse and tree columns in one call)'
        : 'front end: JavaScript copy of tree-sitter\'s tree (the native addon is not built, or DDI_LINT_NATIVE=0): same results, slower',
    );
    const found = findFiles(patterns, this.cwd, this.options.extensions ?? DEFAULT_EXTENSIONS);
    // Without --cache every unit is analysed: start a worker now. With it, only once a file turns out newer than
    // the cache's last write (a guess that costs nothing to get wrong: the worker is stopped, or the pool starts
    // its workers later as it would have), so that a run that reads everything back starts no worker at all.
    const startEarly = (why: string): void => {
      if (early.length) return;
      early.push(startWorker(this.workerEngineOptions(), this.options.workerUrl));
      this.debug(`an analysis worker started while the files are read (${why})`);
    };
    const inWorkers = (this.options.jobs ?? 0) > 0;
    const cacheWritten = inWorkers && this.options.cache ? cacheWrittenAt(this.cacheDirectory()) : undefined;
    if (inWorkers && cacheWritten === undefined) startEarly(this.options.cache ? 'no cache yet' : 'no --cache');
    const bases = new Map<string, ExpandedConfig | undefined>();
    const results = new Map<string, LintResult>();
    const inputs: UnitInput[] = [];
    for (const file of found) {
      const base = await this.baseConfigFor(file.filePath);
      if (base && isIgnored(file.filePath, base)) {
        if (file.explicit) results.set(file.filePath, noticeResult(file.filePath, 'File ignored because of a matching ignore pattern.', 1));
        continue;
      }
      const maxSize = this.options.maxFileSize ?? 16 * 1024 * 1024;
      const stat = statSync(file.filePath, { throwIfNoEntry: false });
      const size = stat?.size ?? 0;
      if (cacheWritten !== undefined && stat && stat.mtimeMs > cacheWritten) startEarly(`${file.filePath} changed since the cache was written`);
      if (size > maxSize) {
        results.set(file.filePath, noticeResult(file.filePath, `${file.filePath} is ${size} bytes, over the per-file size budget of ${maxSize} bytes (--max-file-size); skipped`, 1));
        continue;
      }
      const read = readSource(file.filePath);
      if ('error' in read) {
        results.set(file.filePath, noticeResult(file.filePath, read.error, 2));
        continue;
      }
      if (read.notice) this.debug(read.notice);
      this.encodings.set(file.filePath, read.encoding);
      bases.set(file.filePath, base);
      inputs.push({ filePath: file.filePath, text: read.text });
    }
    for (const model of Object.keys(EMBEDDED_PRESETS) as DriverModel[]) this.rememberPlugins(await this.embeddedConfig(model));
    for (const base of new Set(bases.values())) if (base) this.rememberPlugins(base);
    // A rule id unknown to every plugin is a config error even before any file is analysed.
    this.ruleOverrideLayer();

    const inShard = this.shardFilter();
    const jobs: UnitJob[] = [];
    for (const files of partitionIntoUnits(inputs)) {
      if (!inShard) jobs.push({ files });
      else {
        // Units without a file of this shard are not analysed at all; the others are analysed whole.
        const lintOnly = files.filter((f) => inShard(f.filePath)).map((f) => f.filePath);
        if (lintOnly.length) jobs.push({ files, lintOnly: lintOnly.length === files.length ? undefined : lintOnly });
      }
    }
    this.debug(`${inputs.length} files in ${jobs.length} analysis units`);

    const cache = this.resultCache();
    const keys = jobs.map((job) => cache?.keyOf(job.files.map((f) => ({ ...f, config: cache.fingerprint(bases.get(f.filePath)) })), job.lintOnly));
    const unitResults: (LintResult[] | undefined)[] = keys.map((key) => (key ? cache!.get(key) : undefined));
    cache?.useAnalysesOf(inputs.map((i) => i.filePath));
    const pending = jobs.map((job, i) => ({ job, i })).filter(({ i }) => !unitResults[i]);
    if (cache) this.debug(`cache ${cache.directory}: ${jobs.length - pending.length} of ${jobs.length} units unchanged`);
    const fresh = await this.analyseUnits(pending.map((p) => p.job), early);
    pending.forEach(({ i }, n) => {
      unitResults[i] = fresh[n].results;
      if (cache) cache.set(keys[i]!, fresh[n].results, fresh[n].parses);
    });
    if (cache && !inShard) cache.prune();
    if (cache?.problem) this.warnings.push(`--cache: ${cache.problem}`);

    for (const r of unitResults.flat()) {
      if (!r) continue;
      const base = bases.get(r.filePath);
      this.debug(
        base
          ? `${r.filePath}: driver model ${r.driverModel}; config ${base.sources.length ? base.sources.join(' + ') : '(from -c)'}`
          : `${r.filePath}: driver model ${r.driverModel}; no config file found, embedded default ${EMBEDDED_PRESETS[(r.driverModel ?? 'wdm') as DriverModel]}`,
      );
      results.set(r.filePath, r);
    }
    return found
      .filter((f) => !inShard || inShard(f.filePath))
      .map((f) => results.get(f.filePath))
      .filter((r): r is LintResult => r !== undefined);
  }

  /** Analyse units here, one after the other, or in `jobs` worker threads (`early`: workers already started, which the pool takes). */
  private async analyseUnits(units: readonly UnitJob[], early: StartedWorker[] = []): Promise<UnitOutcome[]> {
    if (!units.length) return [];
    const jobs = this.options.jobs ?? 0;
    if (jobs <= 0) {
      const out: UnitOutcome[] = [];
      for (const unit of units) out.push(await this.analyseUnit(unit.files, unit.lintOnly ? new Set(unit.lintOnly) : undefined));
      return out;
    }
    return runInWorkers(units, {
      workers: jobs,
      maxFileTimeMs: this.options.maxFileTimeMs ?? DEFAULT_MAX_FILE_TIME_MS,
      debug: this.options.debug,
      workerUrl: this.options.workerUrl,
      engine: this.workerEngineOptions(),
      started: early.splice(0),
    });
  }

  /** What a worker needs to build the same engine. */
  private workerEngineOptions(): WorkerEngineOptions {
    return {
      cwd: this.cwd,
      overrideConfigFile: this.options.overrideConfigFile,
      useConfigLookup: this.options.useConfigLookup,
      ruleOverrides: this.options.ruleOverrides,
      fix: this.options.fix,
      maxFileTimeMs: this.options.maxFileTimeMs,
      reportUnusedDisableDirectives: this.options.reportUnusedDisableDirectives,
      defines: this.options.defines,
      cache: this.options.cache,
      cacheLocation: this.options.cacheLocation,
      debug: this.options.debug !== undefined,
    };
  }

  /**
   * Analyse one unit: its files as one program, each with its own config (the cascade, or the embedded default
   * for its driver model). `lintOnly`: the files whose rules run (a shard); the others are only modelled.
   */
  async lintUnit(inputs: readonly UnitInput[], lintOnly?: ReadonlySet<string>, hooks: Pick<LintOptions, 'onFileStart' | 'onRule'> = {}): Promise<LintResult[]> {
    return (await this.analyseUnit(inputs, lintOnly, hooks)).results;
  }

  /** `lintUnit`, with the keys of the parses the results were made from (for `--cache`). */
  async analyseUnit(
    inputs: readonly UnitInput[],
    lintOnly?: ReadonlySet<string>,
    hooks: Pick<LintOptions, 'onFileStart' | 'onRule'> = {},
  ): Promise<UnitOutcome> {
    const overrideLayer = this.ruleOverrideLayer();
    const bases = new Map<string, ExpandedConfig | undefined>();
    for (const input of inputs) bases.set(input.filePath, await this.baseConfigFor(input.filePath));
    for (const model of Object.keys(EMBEDDED_PRESETS) as DriverModel[]) await this.embeddedConfig(model);
    const resolvedCache = new Map<string, ResolvedConfig>();
    const configFor = (filePath: string, model: DriverModel = 'wdm'): ResolvedConfig => {
      const key = `${filePath}\0${model}`;
      const hit = resolvedCache.get(key);
      if (hit) return hit;
      let expanded = bases.get(filePath) ?? this.embedded.get(model)!;
      if (overrideLayer) expanded = mergeConfigs(expanded, overrideLayer);
      const resolved = this.resolve(expanded, filePath);
      resolvedCache.set(key, resolved);
      return resolved;
    };
    const firstBase = inputs.length ? bases.get(inputs[0].filePath) : undefined;
    const settings = firstBase?.settings;
    const irql = irqlSettingsFrom(this.options.defines ? { ...settings, defines: { ...settings?.defines, ...this.options.defines } } : settings);
    return this.lintWithFixes(inputs, configFor, irql, lintOnly ? (filePath) => lintOnly.has(filePath) : undefined, hooks);
  }

  private cacheDirectory(): string {
    return resolve(this.cwd, this.options.cacheLocation ?? join('node_modules', '.cache', 'ddi-lint'));
  }

  /** A fresh store per unit, so that its counts are the unit's. */
  private parseStore(): CountingParseStore | undefined {
    if (this.options.cache) return new DiskParseStore(this.cacheDirectory());
    return this.memory?.parseStore();
  }


  private resultCache(): ResultCache | undefined {
    if (!this.options.cache) return undefined;
    const directory = this.cacheDirectory();
    const plugins = [...this.usedPlugins].map(([name, p]) => `${name}=${p.meta?.name ?? ''}@${p.meta?.version ?? ''}`).sort();
    const salt = JSON.stringify({
      version: CLI_VERSION,
      core: CORE_VERSION,
      plugins,
      fix: this.options.fix === true,
      unused: this.options.reportUnusedDisableDirectives ?? 'off',
      rules: this.options.ruleOverrides ?? {},
      defines: this.options.defines ?? {},
      config: this.options.overrideConfigFile ? resolve(this.cwd, this.options.overrideConfigFile) : null,
      lookup: this.options.useConfigLookup !== false,
    });
    return new ResultCache(directory, salt, ANALYSIS_SALT);
  }

  private rememberPlugins(config: ExpandedConfig): void {
    for (const [name, plugin] of Object.entries(config.plugins)) this.usedPlugins.set(name, plugin);
    for (const o of config.overrides) this.rememberPlugins(o.config);
  }

  /** Which files belong to this shard: a stable hash of the path relative to cwd, so shards do not move when files are added. */
  private shardFilter(): ((filePath: string) => boolean) | undefined {
    const shard = this.options.shard;
    if (!shard) return undefined;
    return (filePath) => {
      const rel = relative(this.cwd, filePath).split(sep).join('/');
      let h = 0x811c9dc5;
      for (let i = 0; i < rel.length; i++) h = Math.imul(h ^ rel.charCodeAt(i), 0x01000193) >>> 0;
      return h % shard.count === shard.index - 1;
    };
  }

  /**
   * Lint; with `fix`, apply fixes and lint again until nothing changes (at most 10 passes, as ESLint), so the
   * results are the problems that remain. A fix that would add parse errors to a file is refused for that file.
   */
  private lintWithFixes(
    inputs: readonly { filePath: string; text: string }[],
    configFor: (filePath: string, model?: DriverModel) => ResolvedConfig,
    irql: ReturnType<typeof irqlSettingsFrom>,
    lintOnly?: (filePath: string) => boolean,
    hooks: Pick<LintOptions, 'onFileStart' | 'onRule'> = {},
  ): UnitOutcome {
    const linter = new Linter();
    const report = this.options.reportUnusedDisableDirectives;
    const maxFileTimeMs = this.options.maxFileTimeMs ?? DEFAULT_MAX_FILE_TIME_MS;
    // Parses are kept for the texts as read; the passes of --fix lint texts that are not on disk (yet).
    const parseStore = this.parseStore();
    const analysisStore = this.options.cache ? new DiskAnalysisStore(this.cacheDirectory(), ANALYSIS_SALT) : this.memory?.analysisStore();
    let results = linter.lintFiles(inputs, configFor, { irql, fix: this.options.fix, reportUnusedDisableDirectives: report, lintOnly, maxFileTimeMs, parseStore, analysisStore, ...hooks });
    if (parseStore) this.debug(`${inputs.length} files: ${parseStore.hits} parses read back from ${parseStore.directory}, ${parseStore.writes} written`);
    const counts = analysisStore?.counts;
    if (counts) this.debug(`${inputs.length} files: ${counts.reused} function analyses read back, ${counts.analysed} analysed`);
    const parses = [...(parseStore?.keys ?? [])];
    if (!this.options.fix) return { results, parses };
    const original = new Map(inputs.map((i) => [i.filePath, i.text]));
    const current = new Map(original);
    const baselineErrors = new Map(results.map((r) => [r.filePath, r.parseErrorCount ?? 0]));
    for (let pass = 0; pass < 10; pass++) {
      let changed = false;
      for (const r of results) {
        if (r.output === undefined || r.output === current.get(r.filePath)) continue;
        current.set(r.filePath, r.output);
        changed = true;
      }
      if (!changed) break;
      results = linter.lintFiles(
        inputs.map((i) => ({ filePath: i.filePath, text: current.get(i.filePath)! })),
        configFor,
        { irql, fix: true, reportUnusedDisableDirectives: report, lintOnly, maxFileTimeMs, ...hooks },
      );
      for (const r of results) {
        if ((r.parseErrorCount ?? 0) > (baselineErrors.get(r.filePath) ?? 0)) {
          this.debug(`${r.filePath}: a fix would add parse errors; the file is left as it was`);
          current.set(r.filePath, original.get(r.filePath)!);
          r.output = undefined;
        }
      }
    }
    for (const r of results) {
      const text = current.get(r.filePath);
      r.output = text !== undefined && text !== original.get(r.filePath) ? text : undefined;
    }
    return { results, parses };
  }

  /**
   * Write fixed outputs back, atomically (a temp file renamed over the original), in the encoding each file was
   * read in (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252).
   */
  writeFixes(results: readonly LintResult[]): number {
    let written = 0;
    for (const r of results) {
      if (r.output === undefined) continue;
      const temp = `${r.filePath}.ddi-lint-${process.pid}.tmp`;
      writeFileSync(temp, encodeSource(r.output, this.encodings.get(r.filePath) ?? 'utf8'));
      renameSync(temp, r.filePath);
      written++;
    }
    return written;
  }
}

function noticeResult(filePath: string, message: string, severity: 1 | 2): LintResult {
  const m: LintMessage = { ruleId: null, severity, fatal: severity === 2, message, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {
    filePath,
    messages: [m],
    errorCount: severity === 2 ? 1 : 0,
    warningCount: severity === 1 ? 1 : 0,
    fatalErrorCount: severity === 2 ? 1 : 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    suppressedMessages: [],
  };
}

function suggestRule(name: string, plugin: Plugin): string {
  const lower = name.toLowerCase();
  const close = Object.keys(plugin.rules).find((r) => r.toLowerCase() === lower || r.toLowerCase().includes(lower) || lower.includes(r.toLowerCase()));
  return close ? ` (did you mean "${close}"?)` : '';
}
