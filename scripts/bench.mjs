#!/usr/bin/env node
/**
 * scripts/bench.mjs — one measured run of ddi-lint over a directory of driver sources.
 *
 *   pnpm bench [dir] [--per-folder] [--json] [--findings out.json] [--rule-times] [--rounds N] [--e2e]
 *   node scripts/bench.mjs /tmp/wds --per-folder
 *
 * Build first (`npx tsc -b`): it runs the compiled packages/*\/dist, exactly what the CLI runs.
 *
 * What it measures, over every `.c` / `.h` file under <dir> (default: examples/; with --all-sources, every file the
 * CLI lints, C++ included), found and read as the CLI finds and reads them:
 *
 *  - size: files, lines, bytes;
 *  - parse only: every file through annotation blanking and tree-sitter (`parseNative`), nothing kept (the
 *    copy of the tree the analysis reads, the repair of parse errors and the line index count as analysis);
 *    then, separately, annotation blanking alone;
 *  - full lint, the Linter's own pipeline with a timer between each step, one analysis unit (the files of one
 *    driver, as the CLI groups them) after the other:
 *      units  — grouping the files into analysis units,
 *      parse  — `parseSource` for every file (second time round, so the JIT is warm): parse only, plus the
 *               columns of the tree (written by core's native addon, or copied in JavaScript where it is not
 *               built: the report names which), the repair of parse errors and the line index,
 *      model  — `new Program(sources)`: file models, CFGs, call graph,
 *      irql   — `program.irqlOf(def)` and `program.entryOf(def)` for every definition, which runs the
 *               unit's whole-program IRQL pass (summaries callees first, then entry facts callers first),
 *      driverModels — `program.driverModel(file)` for every file (its include closure decides wdm / kmdf /
 *               storport),
 *      rules  — `linter.lintSource(...)` per file with the recommended preset of the file's driver model
 *               (wdm / kmdf / storport), which is what the CLI's embedded default applies when no config file
 *               is found; analyses that rules compute lazily (allocation flow, …) land here;
 *      collect — the full collection a CLI worker makes after each unit of 2 MB or more (packages/cli/src/worker.ts),
 *               so that the peak RSS is a worker's;
 *    and the ratio full / parse-only;
 *  - peak RSS (`process.resourceUsage().maxRSS`) after each pass;
 *  - findings per rule, and apart from them the Linter's "Parsing error" notices (messages without a rule id);
 *  - parse robustness: the share of function definitions (as the file model sees them) whose subtree holds an
 *    ERROR or MISSING node (`node.hasError`), overall, per extension, and per top-level folder of <dir> with
 *    `--per-folder`.
 *
 * Options:
 *   --all-sources       every extension the CLI lints (`.cpp`, `.cc`, `.cxx`, `.hpp`, `.hxx` too), not only `.c` / `.h`
 *   --per-folder        also break sizes, findings and the parse-error share down by top-level folder of <dir>
 *   --json              print one machine-readable JSON summary instead of the text report
 *   --findings FILE     write every file's lint result (messages with traces) to FILE as JSON
 *   --rule-times        also time each rule (its create() and its listeners; adds a little overhead to "rules")
 *   --rounds N          run parse only and the full lint N times, alternating, and report each round's ratio and
 *                       their median (the first round's figures are the ones reported in detail); on a machine
 *                       whose speed drifts, one round's ratio says as much about the drift as about ddi-lint
 *   --e2e               also run `DdiLint.lintFiles([dir])` from the CLI package end to end, each run in a fresh
 *                       process (wall and CPU time, peak RSS): --jobs 1, --jobs 2 (and the speed-up their CPU
 *                       time allows: one worker keeps more than one core busy), and --cache cold, warm, after a
 *                       one-line change to one file of the smallest and of the largest unit, and after a change
 *                       of settings that every unit's results depend on (on a temporary copy of <dir>); checks
 *                       the same findings; and what two threads give on this machine for a plain integer loop and
 *                       for an allocating loop, without ddi-lint (the ceiling `--jobs 2` is measured against)
 *
 * Both the in-process passes and the --e2e runs set the V8 flags the ddi-lint command sets for itself
 * (packages/cli/src/v8-flags.ts); parse only is native code, which they do not change.
 *
 * It is one run, not a statistical benchmark: numbers move by a few per cent from run to run. It is a script,
 * not a test, and asserts nothing about time.
 */
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { appendFileSync, cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => new URL(`../packages/${path}`, import.meta.url).href;

const USAGE = 'usage: node scripts/bench.mjs [dir] [--all-sources] [--per-folder] [--json] [--findings FILE] [--rule-times] [--rounds N] [--e2e]';

// ---- arguments ------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { dir: undefined, perFolder: false, json: false, findings: undefined, e2e: false, ruleTimes: false, rounds: 1, allSources: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--per-folder') opts.perFolder = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--e2e') opts.e2e = true;
    else if (a === '--rule-times') opts.ruleTimes = true;
    else if (a === '--all-sources') opts.allSources = true;
    else if (a === '--rounds' || a.startsWith('--rounds=')) {
      const value = a === '--rounds' ? argv[++i] : a.slice('--rounds='.length);
      opts.rounds = Number(value);
      if (!Number.isInteger(opts.rounds) || opts.rounds < 1) {
        console.error(`--rounds needs a whole number of at least 1, not ${value ?? 'nothing'}\n${USAGE}`);
        process.exit(2);
      }
    } else if (a === '--findings') opts.findings = argv[++i];
    else if (a.startsWith('--findings=')) opts.findings = a.slice('--findings='.length);
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) {
      console.error(`unknown option ${a}\n${USAGE}`);
      process.exit(2);
    } else if (opts.dir === undefined) opts.dir = a;
    else {
      console.error(`only one directory, please\n${USAGE}`);
      process.exit(2);
    }
  }
  if (opts.findings === undefined && argv.includes('--findings')) {
    console.error(`--findings needs a file name\n${USAGE}`);
    process.exit(2);
  }
  // `pnpm bench dir` runs in the repository root; a relative dir is meant from where the user typed it.
  const base = process.env.INIT_CWD ?? process.cwd();
  opts.dir = opts.dir === undefined ? resolve(ROOT, 'examples') : resolve(base, opts.dir);
  return opts;
}

// ---- the packages under test ------------------------------------------------------------------------------------

/**
 * One `DdiLint.lintFiles` in a child process: wall and CPU time, its peak RSS, findings per rule, the cache's line.
 * `extensions`: the files it lints, the same as the in-process passes.
 */
function engineRun(dir, extensions, options) {
  const script = `
    // As the ddi-lint command, before the analysis code is loaded.
    (await import(${JSON.stringify(dist('cli/dist/v8-flags.js'))})).applyV8Flags();
    const { DdiLint } = await import(${JSON.stringify(dist('cli/dist/engine.js'))});
    let unitsUnchanged;
    let parsesReadBack;
    let analysesReadBack;
    const engine = new DdiLint({ ...${JSON.stringify(options)}, cwd: process.cwd(), useConfigLookup: false, extensions: ${JSON.stringify(extensions)},
      debug: (line) => {
        const m = /cache .*: (\\d+ of \\d+ units unchanged)/.exec(line);
        if (m) unitsUnchanged = m[1];
        const p = /(\\d+) files: (\\d+) parses read back/.exec(line);
        if (p) parsesReadBack = [(parsesReadBack?.[0] ?? 0) + Number(p[2]), (parsesReadBack?.[1] ?? 0) + Number(p[1])];
        const a = /(\\d+) function analyses read back, (\\d+) analysed/.exec(line);
        if (a) analysesReadBack = [(analysesReadBack?.[0] ?? 0) + Number(a[1]), (analysesReadBack?.[1] ?? 0) + Number(a[1]) + Number(a[2])];
      } });
    const start = performance.now();
    const cpuBefore = process.cpuUsage();
    const results = await engine.lintFiles([${JSON.stringify(resolve(dir))}]);
    const ms = performance.now() - start;
    // The whole process's CPU (this thread, the workers, the JIT's and the collector's helper threads).
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const findingsPerRule = {};
    for (const r of results) for (const m of r.messages) if (m.ruleId && !m.fatal) findingsPerRule[m.ruleId] = (findingsPerRule[m.ruleId] ?? 0) + 1;
    console.log(JSON.stringify({ ms, cpuMs, peakRssMB: process.resourceUsage().maxRSS / 1024, findingsPerRule, unitsUnchanged, parsesReadBack, analysesReadBack }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`engine run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

/**
 * What two threads give on this machine without any ddi-lint code: the same work done by one worker thread, then
 * by each of two at once, for an integer loop (no allocation) and for a loop that allocates short-lived maps and
 * objects as the analysis does. Speed-up = 2 × (one worker's time) / (two workers' time), best of three rounds,
 * in a fresh process. Where the allocating loop gains much less than the integer loop, `--jobs 2` cannot gain more
 * than it (the collector's helper threads and memory are what the two workers then share).
 */
function machineScaling() {
  const script = `
    const { Worker } = await import('node:worker_threads');
    const work = \`
      const { parentPort, workerData } = require('node:worker_threads');
      let x = 0;
      if (workerData === 'integer') for (let i = 0; i < 3e8; i++) x = (x * 31 + i) | 0;
      else for (let r = 0; r < 60; r++) { const m = new Map(); for (let i = 0; i < 100000; i++) m.set('k' + (i % 5000), { a: i, b: [i] }); x += m.size; }
      parentPort.postMessage(x);\`;
    const run = (kind, n) => { const t = performance.now(); return Promise.all(Array.from({ length: n }, () => new Promise((done, fail) => {
      const w = new Worker(work, { eval: true, workerData: kind, execArgv: [] }); w.once('message', () => { done(); w.terminate(); }); w.once('error', fail); }))).then(() => performance.now() - t); };
    const out = {};
    for (const kind of ['integer', 'allocating']) {
      let best = 0;
      for (let round = 0; round < 3; round++) { const one = await run(kind, 1); const two = await run(kind, 2); best = Math.max(best, (2 * one) / two); }
      out[kind] = best;
    }
    console.log(JSON.stringify(out));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`machine scaling run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

let partitionIntoUnits;
let v8FlagsApplied = [];
let frontEnd = 'unknown';

async function loadPackages() {
  try {
    // The V8 flags the ddi-lint command sets for itself (packages/cli/src/v8-flags.ts), so that the phases below
    // run as the command runs them.
    v8FlagsApplied = (await import(dist('cli/dist/v8-flags.js'))).applyV8Flags();
    const core = await import(dist('core/dist/index.js'));
    // Which front end the parse phase runs: the native addon (packages/core/native) or its JavaScript fallback.
    frontEnd = core.frontEndKind() === 'native' ? 'native addon (parse and columns in one call)' : 'JavaScript copy of tree-sitter\'s tree (native addon not built or DDI_LINT_NATIVE=0)';
    const wdm = (await import(dist('plugin-wdm/dist/index.js'))).default;
    const kmdf = (await import(dist('plugin-kmdf/dist/index.js'))).default;
    const storport = (await import(dist('plugin-storport/dist/index.js'))).default;
    // The CLI's own discovery and reading (UTF-16 marks, Latin-1 fallback, binary files skipped).
    const files = await import(dist('cli/dist/files.js'));
    ({ partitionIntoUnits } = await import(dist('cli/dist/units.js')));
    return { core, plugins: { wdm, kmdf, storport }, files };
  } catch (error) {
    console.error(`could not load the built packages (${error.message}); run \`npx tsc -b\` first`);
    process.exit(2);
  }
}

/** `configFor` as the CLI's embedded default builds it: the driver model's recommended preset, no settings. */
function embeddedConfigs(core, plugins) {
  const resolved = new Map();
  const presetOf = (model) => {
    let config = resolved.get(model);
    if (config) return config;
    // As the CLI's EMBEDDED_PRESETS: user-mode code gets wdm/user-mode (no rules).
    const [pluginName, presetName] = model === 'user' ? ['wdm', 'user-mode'] : [model, 'recommended'];
    const preset = plugins[pluginName].configs[presetName];
    const rules = {};
    for (const [id, entry] of Object.entries(preset.rules ?? {})) rules[id] = core.normalizeRuleEntry(entry, `rules.${id}`);
    const used = { [pluginName]: plugins[pluginName] };
    for (const name of preset.plugins ?? []) used[name] = plugins[name];
    config = { rules, settings: preset.settings ?? {}, plugins: used };
    resolved.set(model, config);
    return config;
  };
  return (_filePath, model = 'wdm') => presetOf(model);
}

/**
 * Copies of the plugins whose rules add the time spent in their create() and listeners to `times[ruleId]`.
 * Nested calls (none today) would be counted twice.
 */
function timedPlugins(plugins, times) {
  const out = {};
  for (const [prefix, plugin] of Object.entries(plugins)) {
    const rules = {};
    for (const [name, rule] of Object.entries(plugin.rules)) {
      const id = `${prefix}/${name}`;
      times[id] ??= 0;
      rules[name] = {
        ...rule,
        create(context) {
          const t = now();
          const visitors = rule.create(context);
          times[id] += now() - t;
          const wrapped = {};
          for (const [key, fn] of Object.entries(visitors ?? {})) {
            if (typeof fn !== 'function') continue;
            wrapped[key] = (node) => {
              const start = now();
              try {
                return fn(node);
              } finally {
                times[id] += now() - start;
              }
            };
          }
          return wrapped;
        },
      };
    }
    out[prefix] = { ...plugin, rules };
  }
  return out;
}

// ---- helpers ----------------------------------------------------------------------------------------------------

const now = () => performance.now();
const peakRssMB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes

function countLines(text) {
  if (!text.length) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

function topFolder(dir, filePath) {
  const rel = relative(dir, filePath);
  const i = rel.indexOf(sep);
  return i < 0 ? '.' : rel.slice(0, i);
}

function extensionOf(filePath) {
  const m = /\.[^./\\]+$/.exec(filePath);
  return m ? m[0].toLowerCase() : '';
}

function bump(map, key, by = 1) {
  map[key] = (map[key] ?? 0) + by;
}

const pct = (part, whole) => (whole ? (100 * part) / whole : 0);
const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const fmtInt = (n) => n.toLocaleString('en-US');
const fmtPct = (p) => `${p.toFixed(1)}%`;

function table(rows, align) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) => r.map((cell, c) => (align[c] === 'r' ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

// ---- the run ----------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { core, plugins, files } = await loadPackages();
  const loadBefore = loadavg()[0];

  // Discover and read (not part of any timed phase below, but reported).
  let t = now();
  const extensions = opts.allSources ? files.DEFAULT_EXTENSIONS : ['.c', '.h'];
  const found = files.findFiles([opts.dir], process.cwd(), extensions);
  const inputs = [];
  const skipped = [];
  const sizeOf = new Map(); // bytes on disk
  let bytes = 0;
  let lines = 0;
  for (const f of found) {
    const read = files.readSource(f.filePath);
    if ('error' in read) {
      skipped.push({ filePath: f.filePath, reason: read.error });
      continue;
    }
    const size = statSync(f.filePath).size;
    sizeOf.set(f.filePath, size);
    inputs.push({ filePath: f.filePath, text: read.text });
    bytes += size;
    lines += countLines(read.text);
  }
  const readMs = now() - t;

  // Optional: the CLI engine end to end, each run in a fresh process: --jobs 1 and 2, and --cache cold, warm and
  // after a one-file change (on a copy of the directory, so the corpus is not touched). First, while this process
  // is small: Linux hands a parent's peak RSS down to the children it starts, and each run reports its own.
  let e2e;
  if (opts.e2e) {
    const runs = {};
    runs.jobs1 = engineRun(opts.dir, extensions, { jobs: 1 });
    runs.jobs2 = engineRun(opts.dir, extensions, { jobs: 2 });
    const copy = mkdtempSync(join(tmpdir(), 'ddi-lint-bench-'));
    try {
      cpSync(opts.dir, join(copy, 'src'), { recursive: true });
      const cacheLocation = join(copy, 'cache');
      const cached = { jobs: 2, cache: true, cacheLocation };
      runs.cacheCold = engineRun(join(copy, 'src'), extensions, cached);
      runs.cacheWarm = engineRun(join(copy, 'src'), extensions, cached);
      // The first .c file of the smallest and of the largest unit that has one: a one-line change there. The
      // unit is analysed again; its other files' parses are read back.
      const unitsWithC = partitionIntoUnits(inputs).filter((u) => u.some((f) => f.filePath.endsWith('.c'))).sort((a, b) => a.length - b.length);
      for (const [name, unit] of [['cacheOneFileChanged', unitsWithC[0]], ['cacheOneFileChangedLargest', unitsWithC[unitsWithC.length - 1]]]) {
        const changed = unit?.find((f) => f.filePath.endsWith('.c'));
        if (!changed || (name === 'cacheOneFileChangedLargest' && unitsWithC.length < 2)) continue;
        const target = join(copy, 'src', relative(opts.dir, changed.filePath));
        appendFileSync(target, '\n/* bench: one changed line */\n');
        runs[name] = { ...engineRun(join(copy, 'src'), extensions, cached), changedFile: relative(opts.dir, changed.filePath), unitFiles: unit.length };
      }
      // A -D that no file tests: every unit's results are stale (their key has the settings), no file's parse is.
      runs.cacheSettingsChanged = engineRun(join(copy, 'src'), extensions, { ...cached, defines: { DDI_LINT_BENCH_UNUSED: '1' } });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    e2e = { runs, jobsSpeedup: runs.jobs1.ms / runs.jobs2.ms, warmOverCold: runs.cacheWarm.ms / runs.cacheCold.ms, machineScaling: machineScaling() };
  }

  // Pass 1: parse only, same front end, nothing kept.
  const parseOnlyPass = () => {
    const start = now();
    for (const input of inputs) core.parseNative(input.text, core.languageOf(input.filePath, input.text));
    return now() - start;
  };
  const parseOnlyMs = parseOnlyPass();
  const rssAfterParse = peakRssMB();

  // The front end's own share: annotation blanking alone (the rest of parse-only is tree-sitter + line index).
  t = now();
  for (const input of inputs) core.blankAnnotations(input.text);
  const blankingMs = now() - t;

  // Pass 2: full lint, phase by phase (the steps of Linter.lintFiles), one analysis unit after the other as the
  // CLI analyses them (each unit is one program; its memory is released before the next).
  const ruleTimes = opts.ruleTimes ? {} : undefined;
  const configFor = embeddedConfigs(core, ruleTimes ? timedPlugins(plugins, ruleTimes) : plugins);
  const irql = core.irqlSettingsFrom(undefined);
  // As a CLI worker does (packages/cli/src/worker.ts): a full collection after each unit of 2 MB or more, so that
  // the peak RSS below is the one a worker would reach.
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc');
  const linter = new core.Linter();
  /** One full lint; `record` keeps what the report needs beyond the times (findings, file stats, models). */
  const lintPass = (record) => {
    const phases = { units: 0, parse: 0, model: 0, irql: 0, driverModels: 0, rules: 0, collect: 0 };
    let t = now();
    const units = partitionIntoUnits(inputs);
    phases.units = now() - t;
    const kept = { definitions: 0, models: {}, perFileRulesMs: [], results: [], fileStats: [], units };
    for (const unit of units) {
      t = now();
      // As the engine does: the unit's own macros are seen through at their uses.
      const projectMacros = core.projectMacroUses(unit.map((i) => i.text));
      const sources = unit.map((i) => core.parseSource(i.filePath, i.text, undefined, { projectMacros }));
      phases.parse += now() - t;

      t = now();
      const program = new core.Program(sources, irql);
      phases.model += now() - t;

      t = now();
      for (const file of program.files) {
        for (const def of file.definitions) {
          program.irqlOf(def);
          program.entryOf(def);
          kept.definitions++;
        }
      }
      phases.irql += now() - t;

      // Each file's driver model (from its include closure) picks its preset; the Linter asks for it per file too.
      t = now();
      const modelOf = new Map();
      for (const source of sources) {
        const model = program.driverModel(program.fileModel(source.filePath));
        modelOf.set(source.filePath, model);
        if (record) bump(kept.models, model);
      }
      phases.driverModels += now() - t;

      t = now();
      for (const source of sources) {
        const start = now();
        const result = linter.lintSource(program, source, configFor(source.filePath, modelOf.get(source.filePath)), {});
        if (record) {
          kept.results.push(result);
          kept.perFileRulesMs.push([source.filePath, now() - start]);
        }
      }
      phases.rules += now() - t;
      if (unit.reduce((n, i) => n + i.text.length, 0) >= 2_000_000) {
        t = now();
        collect();
        phases.collect += now() - t;
      }
      if (!record) continue;
      // What the parse-robustness report needs, kept small so that the unit's trees can go.
      for (const file of program.files) {
        kept.fileStats.push({
          path: file.source.filePath,
          lines: countLines(file.source.text),
          definitions: file.definitions.length,
          withError: file.definitions.filter((d) => d.node.hasError).length,
          rootHasError: file.source.root.hasError,
        });
      }
    }
    return { phases, ms: Object.values(phases).reduce((a, b) => a + b, 0), kept };
  };
  const { phases, ms: fullMs, kept } = lintPass(true);
  const ruleTimesOfFirstRound = ruleTimes && { ...ruleTimes };
  const { definitions, models, perFileRulesMs, results, fileStats, units } = kept;
  const rssAfterLint = peakRssMB();

  // With --rounds N, N − 1 more rounds of both passes, alternating: the ratio of one round moves with the machine's
  // speed between its two passes, so the report gives each round's and their median.
  const rounds = [{ parseOnlyMs, fullMs }];
  for (let r = 1; r < opts.rounds; r++) {
    const parseMs = parseOnlyPass();
    rounds.push({ parseOnlyMs: parseMs, fullMs: lintPass(false).ms });
  }
  const ratios = rounds.map((r) => r.fullMs / r.parseOnlyMs).sort((a, b) => a - b);
  const medianRatio = ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;

  // Findings.
  const byRule = {};
  const crashes = {};
  let parsingNotices = 0;
  for (const r of results) {
    for (const m of r.messages) {
      if (!m.ruleId) parsingNotices++;
      else if (m.fatal) bump(crashes, m.ruleId);
      else bump(byRule, m.ruleId);
    }
  }
  const totalFindings = Object.values(byRule).reduce((a, b) => a + b, 0);

  // Parse robustness: function definitions whose subtree has an ERROR or MISSING node.
  const blank = () => ({ files: 0, lines: 0, bytes: 0, definitions: 0, withError: 0, filesWithError: 0, parseNotices: 0, findings: 0 });
  const overall = blank();
  const perExt = {};
  const perFolder = {};
  const resultByPath = new Map(results.map((r) => [r.filePath, r]));
  for (const file of fileStats) {
    const path = file.path;
    const buckets = [overall, (perExt[extensionOf(path)] ??= blank())];
    if (opts.perFolder) buckets.push((perFolder[topFolder(opts.dir, path)] ??= blank()));
    const fileLines = file.lines;
    const fileBytes = sizeOf.get(path) ?? 0;
    const withError = file.withError;
    const findings = resultByPath.get(path)?.messages.filter((m) => m.ruleId && !m.fatal).length ?? 0;
    // A file more than 30% unparsable gets a "Parsing error" notice: what counts as a file that failed.
    const parseNotice = resultByPath.get(path)?.messages.some((m) => !m.ruleId) ? 1 : 0;
    for (const b of buckets) {
      b.files++;
      b.lines += fileLines;
      b.bytes += fileBytes;
      b.definitions += file.definitions;
      b.withError += withError;
      b.filesWithError += file.rootHasError ? 1 : 0;
      b.parseNotices += parseNotice;
      b.findings += findings;
    }
  }
  const share = (b) => ({ ...b, errorShare: b.definitions ? b.withError / b.definitions : 0 });

  if (e2e) {
    const same = (r) => JSON.stringify(Object.entries(byRule).sort()) === JSON.stringify(Object.entries(r.findingsPerRule).sort());
    for (const r of Object.values(e2e.runs)) r.sameFindings = same(r);
  }

  if (opts.findings) {
    const out = results.map((r) => ({ ...r, filePath: relative(opts.dir, r.filePath), messages: r.messages.map(({ fix, suggestions, ...m }) => m) }));
    writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), opts.findings), JSON.stringify(out, null, 1));
  }

  const summary = {
    dir: opts.dir,
    node: process.version,
    v8Flags: v8FlagsApplied,
    frontEnd,
    // Other processes on the machine skew every time below: the 1-minute load average before and after the run.
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0] },
    files: inputs.length,
    skippedFiles: skipped,
    lines,
    bytes,
    driverModels: models,
    timesMs: {
      read: readMs,
      parseOnly: parseOnlyMs,
      blankingOnly: blankingMs,
      full: fullMs,
      phases,
    },
    fullOverParse: fullMs / parseOnlyMs,
    ...(rounds.length > 1 ? { rounds: rounds.map((r) => ({ ...r, fullOverParse: r.fullMs / r.parseOnlyMs })), medianFullOverParse: medianRatio } : {}),
    throughput: { parseOnlyMBps: bytes / 1e6 / (parseOnlyMs / 1000), parseOnlyLinesPerSec: lines / (parseOnlyMs / 1000) },
    peakRssMB: { afterParseOnly: rssAfterParse, afterFullLint: rssAfterLint, end: peakRssMB() },
    functionDefinitions: definitions,
    findingsPerRule: byRule,
    totalFindings,
    parsingErrorNotices: parsingNotices,
    slowestFilesInRules: perFileRulesMs
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([filePath, ms]) => ({ file: relative(opts.dir, filePath), ms })),
    ruleCrashes: crashes,
    ...(ruleTimesOfFirstRound ? { ruleTimesMs: ruleTimesOfFirstRound } : {}),
    parseErrors: {
      overall: share(overall),
      perExtension: Object.fromEntries(Object.entries(perExt).map(([k, v]) => [k, share(v)])),
      ...(opts.perFolder ? { perFolder: Object.fromEntries(Object.entries(perFolder).map(([k, v]) => [k, share(v)])) } : {}),
    },
    analysisUnits: units.length,
    ...(e2e ? { e2e } : {}),
  };

  if (opts.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  printReport(summary, opts);
}

function printReport(s, opts) {
  const out = [];
  const p = s.timesMs.phases;
  out.push(`ddi-lint bench — ${s.dir}  (Node ${s.node}, ${s.machine.cpus} CPUs, load average ${s.machine.loadAverageBefore.toFixed(1)} before, ${s.machine.loadAverageAfter.toFixed(1)} after)`);
  if (s.v8Flags.length) out.push(`V8 flags as the ddi-lint command sets them: ${s.v8Flags.join(' ')}`);
  out.push(`front end: ${s.frontEnd}`);
  out.push('');
  out.push(`files      ${fmtInt(s.files)}${s.skippedFiles.length ? `  (${s.skippedFiles.length} skipped: unreadable or binary)` : ''}`);
  out.push(`lines      ${fmtInt(s.lines)}`);
  out.push(`bytes      ${fmtInt(s.bytes)}  (${(s.bytes / 1e6).toFixed(1)} MB)`);
  out.push(`models     ${Object.entries(s.driverModels).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('');
  out.push(`read files          ${fmtMs(s.timesMs.read)}`);
  out.push(
    `parse only          ${fmtMs(s.timesMs.parseOnly)}  (${s.throughput.parseOnlyMBps.toFixed(1)} MB/s, ${fmtInt(Math.round(s.throughput.parseOnlyLinesPerSec))} lines/s)`,
  );
  out.push(`  annotation blanking alone ${fmtMs(s.timesMs.blankingOnly)} (separate pass)`);
  out.push(`full lint           ${fmtMs(s.timesMs.full)}  = ${s.fullOverParse.toFixed(2)} × parse only`);
  if (s.rounds) {
    const each = s.rounds.map((r) => `${fmtMs(r.parseOnlyMs)} / ${fmtMs(r.fullMs)} = ${r.fullOverParse.toFixed(2)} ×`).join('; ');
    out.push(`  ${s.rounds.length} rounds (parse only / full lint): ${each}; median ${s.medianFullOverParse.toFixed(2)} ×`);
  }
  for (const [name, ms] of Object.entries(p)) {
    out.push(`  ${name.padEnd(17)} ${fmtMs(ms).padStart(8)}  ${fmtPct(pct(ms, s.timesMs.full)).padStart(6)}`);
  }
  out.push(`analysis units      ${fmtInt(s.analysisUnits)}`);
  if (s.e2e) {
    const r = s.e2e.runs;
    const line = (label, x) => `  ${label.padEnd(28)} ${fmtMs(x.ms).padStart(8)}  peak RSS ${x.peakRssMB.toFixed(0)} MB${x.unitsUnchanged ? `  (${x.unitsUnchanged}${x.parsesReadBack ? `; ${x.parsesReadBack[0]} of ${x.parsesReadBack[1]} parses read back` : ''}${x.analysesReadBack ? `, ${x.analysesReadBack[0]} of ${x.analysesReadBack[1]} function analyses` : ''})` : ''}  same findings: ${x.sameFindings ? 'yes' : 'NO'}`;
    out.push('CLI engine end to end (DdiLint.lintFiles, each run a fresh process):');
    const cores = (x) => `  CPU ${fmtMs(x.cpuMs)} = ${(x.cpuMs / x.ms).toFixed(2)} cores busy`;
    out.push(line('--jobs 1', r.jobs1) + cores(r.jobs1));
    out.push(line('--jobs 2', r.jobs2) + `  = ${s.e2e.jobsSpeedup.toFixed(2)}× faster` + cores(r.jobs2));
    // One worker already keeps more than one core busy (the JIT's and the collector's helper threads); two
    // workers cannot finish before their CPU time spread over two cores.
    out.push(`  (--jobs 2's CPU time over two cores: ${fmtMs(r.jobs2.cpuMs / 2)}, so at most ${(r.jobs1.ms / (r.jobs2.cpuMs / 2)).toFixed(2)}× faster than --jobs 1 with this much work)`);
    const m = s.e2e.machineScaling;
    out.push(`  (two threads against one on this machine, no ddi-lint code: integer loop ${m.integer.toFixed(2)}×, allocating loop ${m.allocating.toFixed(2)}×)`);
    out.push(line('--jobs 2 --cache, cold', r.cacheCold));
    out.push(line('--jobs 2 --cache, warm', r.cacheWarm) + `  = ${fmtPct(100 * s.e2e.warmOverCold)} of cold`);
    if (r.cacheOneFileChanged) out.push(line('--cache, one file changed', r.cacheOneFileChanged) + `  (${r.cacheOneFileChanged.changedFile}, unit of ${r.cacheOneFileChanged.unitFiles} files)`);
    if (r.cacheOneFileChangedLargest) out.push(line('  … in the largest unit', r.cacheOneFileChangedLargest) + `  (${r.cacheOneFileChangedLargest.changedFile}, unit of ${r.cacheOneFileChangedLargest.unitFiles} files)`);
    if (r.cacheSettingsChanged) out.push(line('--cache, -D changed', r.cacheSettingsChanged));
  }
  out.push(`slowest files in the rules phase: ${s.slowestFilesInRules.map((f) => `${f.file} ${fmtMs(f.ms)}`).join(', ')}`);
  out.push(`peak RSS            ${s.peakRssMB.afterParseOnly.toFixed(0)} MB after parse only, ${s.peakRssMB.afterFullLint.toFixed(0)} MB after full lint`);
  out.push('');

  const pe = s.parseErrors;
  out.push(
    `function definitions with an ERROR/MISSING node: ${fmtInt(pe.overall.withError)} of ${fmtInt(pe.overall.definitions)} = ${fmtPct(100 * pe.overall.errorShare)}` +
      `  (files with any error: ${fmtInt(pe.overall.filesWithError)} of ${fmtInt(pe.overall.files)})`,
  );
  for (const [ext, b] of Object.entries(pe.perExtension).sort()) {
    out.push(`  ${ext.padEnd(4)} ${fmtInt(b.withError)} of ${fmtInt(b.definitions)} = ${fmtPct(100 * b.errorShare)}`);
  }
  out.push('');

  out.push(`findings: ${fmtInt(s.totalFindings)}`);
  const rules = Object.entries(s.findingsPerRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rules.length) out.push(table(rules.map(([id, n]) => ['  ' + id, fmtInt(n)]), ['l', 'r']));
  for (const [id, n] of Object.entries(s.ruleCrashes)) out.push(`  rule ${id} crashed in ${n} file(s)`);
  if (s.parsingErrorNotices) out.push(`and ${fmtInt(s.parsingErrorNotices)} "Parsing error" notices (files more than 30% unparsable)`);
  if (s.ruleTimesMs) {
    out.push('');
    out.push('time per rule (create + listeners, lazily computed analyses included):');
    const times = Object.entries(s.ruleTimesMs).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
    out.push(table(times.map(([id, ms]) => ['  ' + id, fmtMs(ms), fmtPct(pct(ms, s.timesMs.phases.rules))]), ['l', 'r', 'r']));
  }

  if (opts.perFolder && pe.perFolder) {
    out.push('');
    out.push('per top-level folder:');
    const rows = [['  folder', 'files', 'lines', 'fn defs', 'with error', 'share', 'files w/ error', 'parse notices', 'findings']];
    const folders = Object.entries(pe.perFolder).sort((a, b) => b[1].errorShare - a[1].errorShare || a[0].localeCompare(b[0]));
    for (const [name, b] of folders) {
      rows.push([
        '  ' + name,
        fmtInt(b.files),
        fmtInt(b.lines),
        fmtInt(b.definitions),
        fmtInt(b.withError),
        fmtPct(100 * b.errorShare),
        fmtInt(b.filesWithError),
        fmtInt(b.parseNotices),
        fmtInt(b.findings),
      ]);
    }
    out.push(table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
  }
  console.log(out.join('\n'));
}

await main();
