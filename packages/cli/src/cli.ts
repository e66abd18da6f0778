/**
 * The command line: argv → exit code (never calls process.exit, so it is testable in-process).
 * Exit codes as ESLint's: 0 no errors, 1 lint errors (or too many warnings), 2 bad usage, bad config or a crash.
 */
import type { LintResult, RuleEntry } from '@ddi-lint/core';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigFileError, UsageError } from './config/errors.js';
import { SEARCH_PLACES } from './config/config-loader.js';
import { DdiLint, driverModelOf } from './engine.js';
import { findFiles, readSource } from './files.js';
import { loadFormatter } from './formatters/index.js';

const require = createRequire(import.meta.url);
export const VERSION = (require('../package.json') as { version: string }).version;

export interface CliIo {
  readonly cwd: string;
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const HELP = `ddi-lint [options] [file|dir|glob ...]

Lint Windows kernel-driver C sources for DDI misuse.

Options:
  -c, --config FILE           Use this config file instead of looking one up
      --no-config-lookup      Use only -c or the embedded default (per driver model)
      --rule 'ID: SEVERITY'   Set a rule, e.g. --rule 'wdm/UnsafeAllocatePool: warn' (repeatable)
  -f, --format NAME|PATH      stylish (default), json, sarif, github, junit, html, or a formatter module
  -o, --output-file FILE      Write the report to FILE instead of standard output
      --max-warnings N        Exit 1 when there are more than N warnings
      --quiet                 Report errors only
      --fix                   Apply automatic fixes to the files
      --fix-dry-run           Compute the fixes and report them (json "output") without writing
      --report-unused-disable-directives
                              Report ddi-lint-disable comments that suppress nothing
      --shard I/N             Report only the I-th of N parts of the files (CI matrices); every driver that
                              has a file in the shard is analysed whole, so cross-file facts are the same
      --max-file-size BYTES   Skip larger files with a notice (default 16 MiB)
      --max-file-time MS      Stop the rules on a file after this long, with a notice (default 60000); a rule
                              that never returns is stopped by terminating its worker
  -D, --define NAME[=VALUE]   A macro the build defines (repeatable): picks #if branches inside functions
  -j, --jobs N                Analyse in N worker threads (default: the number of cores; 0 = in this thread)
      --cache                 Reuse the results of drivers whose files, config and plugins did not change
      --cache-location DIR    Where --cache keeps them (default node_modules/.cache/ddi-lint)
      --debug                 Print config and driver-model decisions to standard error
      --print-config FILE     Print the configuration that applies to FILE
      --init                  Write a .ddirc.json for the driver model(s) found under the current directory
  -h, --help                  Show this help
  -v, --version               Show the version
`;

function parseRuleOption(values: readonly string[]): Record<string, RuleEntry> {
  const out: Record<string, RuleEntry> = {};
  for (const v of values) {
    const trimmed = v.trim();
    if (trimmed.startsWith('{')) {
      try {
        Object.assign(out, JSON.parse(trimmed));
        continue;
      } catch {
        throw new UsageError(`--rule ${v}: not valid JSON`);
      }
    }
    const m = /^([^:\s]+)\s*:\s*(.+)$/.exec(trimmed);
    if (!m) throw new UsageError(`--rule ${v}: expected 'plugin/Rule: severity'`);
    const value = m[2].trim();
    out[m[1]] = value.startsWith('[') ? (JSON.parse(value) as RuleEntry) : /^\d$/.test(value) ? (Number(value) as RuleEntry) : (value as RuleEntry);
  }
  return out;
}

/** `--init`: look at the drivers under the directory and write a `.ddirc.json` that fits them. */
async function initConfig(io: CliIo, positionals: readonly string[]): Promise<number> {
  const target = join(io.cwd, '.ddirc.json');
  const existing = SEARCH_PLACES.filter((p) => p !== 'package.json').find((p) => existsSync(join(io.cwd, p)));
  if (existing) throw new UsageError(`${join(io.cwd, existing)} already exists; --init writes a config only where there is none`);
  const files = findFiles(positionals.length ? positionals : ['.'], io.cwd).filter((f) => f.filePath.endsWith('.c'));
  const byModel = new Map<string, string[]>();
  for (const f of files) {
    const read = readSource(f.filePath);
    if ('error' in read) continue;
    const model = driverModelOf(f.filePath, read.text);
    const dir = relative(io.cwd, dirname(f.filePath)).split(sep).join('/') || '.';
    const list = byModel.get(model) ?? [];
    if (!list.includes(dir)) list.push(dir);
    byModel.set(model, list);
  }
  byModel.delete('user'); // user-mode code (UMDF 2 drivers, applications): no kernel preset to write for it
  const models = [...byModel.keys()].sort((a, b) => (byModel.get(b)!.length - byModel.get(a)!.length) || a.localeCompare(b));
  // One model: its preset for everything. Several: each model's preset for its folders only, since presets add
  // up (a KMDF preset on top of the WDM one would report the deprecated allocators twice).
  const config: Record<string, unknown> = { root: true };
  if (models.length <= 1) config.extends = [`${models[0] ?? 'wdm'}/recommended`];
  else {
    config.overrides = models.map((m) => ({
      files: byModel.get(m)!.map((d) => (d === '.' ? '*.{c,h}' : `${d}/**`)),
      extends: [`${m}/recommended`],
    }));
  }
  writeFileSync(target, `${JSON.stringify(config, null, 2)}\n`);
  const summary = models.map((m) => `${m} (${byModel.get(m)!.length} folder${byModel.get(m)!.length === 1 ? '' : 's'})`).join(', ') || 'none found, defaulting to wdm';
  io.stdout.write(`Wrote ${target}\nDriver models: ${summary}\n`);
  return 0;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'config-lookup': { type: 'boolean', default: true },
        'no-config-lookup': { type: 'boolean' },
        rule: { type: 'string', multiple: true },
        format: { type: 'string', short: 'f', default: 'stylish' },
        'output-file': { type: 'string', short: 'o' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        shard: { type: 'string' },
        'max-file-size': { type: 'string' },
        'max-file-time': { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        define: { type: 'string', short: 'D', multiple: true },
        cache: { type: 'boolean' },
        'cache-location': { type: 'string' },
        'report-unused-disable-directives': { type: 'boolean' },
        debug: { type: 'boolean' },
        'print-config': { type: 'string' },
        init: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    io.stderr.write(`ddi-lint: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`v${VERSION}\n`);
    return 0;
  }
  try {
    let maxWarnings = -1;
    if (values['max-warnings'] !== undefined) {
      maxWarnings = Number(values['max-warnings']);
      if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings ${values['max-warnings']}: expected a whole number`);
    }
    let shard: { index: number; count: number } | undefined;
    if (values.shard !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(values.shard);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard ${values.shard}: expected i/n with 1 <= i <= n, e.g. --shard 2/4`);
      shard = { index: Number(m[1]), count: Number(m[2]) };
    }
    const positiveInt = (name: string, value: string | undefined): number | undefined => {
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} ${value}: expected a positive whole number`);
      return n;
    };
    let jobs = availableParallelism();
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      if (!Number.isInteger(jobs) || jobs < 0) throw new UsageError(`--jobs ${values.jobs}: expected a whole number (0 = no worker threads)`);
    }
    const defines: Record<string, string> = {};
    for (const d of values.define ?? []) {
      const m = /^([A-Za-z_]\w*)(?:=(.*))?$/s.exec(d);
      if (!m) throw new UsageError(`-D ${d}: expected NAME or NAME=VALUE`);
      defines[m[1]] = m[2] ?? '1';
    }
    const engine = new DdiLint({
      defines: Object.keys(defines).length ? defines : undefined,
      jobs,
      cache: values.cache === true,
      cacheLocation: values['cache-location'],
      shard,
      maxFileSize: positiveInt('max-file-size', values['max-file-size']),
      maxFileTimeMs: positiveInt('max-file-time', values['max-file-time']),
      cwd: io.cwd,
      overrideConfigFile: values.config,
      useConfigLookup: !values['no-config-lookup'],
      ruleOverrides: parseRuleOption(values.rule ?? []),
      fix: values.fix || values['fix-dry-run'],
      reportUnusedDisableDirectives: values['report-unused-disable-directives'] ? 'error' : 'off',
      debug: values.debug ? (line) => io.stderr.write(`ddi-lint:debug ${line}\n`) : undefined,
    });
    if (values['print-config'] !== undefined) {
      io.stdout.write(`${JSON.stringify(await engine.calculateConfigForFile(values['print-config']), null, 2)}\n`);
      return 0;
    }
    if (values.init) return await initConfig(io, positionals);
    const formatter = await loadFormatter(values.format ?? 'stylish', io.cwd);
    let results: LintResult[] = await engine.lintFiles(positionals);
    for (const w of engine.warnings) io.stderr.write(`ddi-lint: warning: ${w}\n`);
    // --fix writes the files; --fix-dry-run only puts the fixed text in the results (`output` in json).
    if (values.fix && !values['fix-dry-run']) engine.writeFixes(results);
    if (values.quiet) {
      results = results.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 2), warningCount: 0, fixableWarningCount: 0 }));
    }
    const env = io.env ?? process.env;
    const toFile = values['output-file'];
    const color = !toFile && io.stdout.isTTY === true && !env.NO_COLOR && values.format === 'stylish';
    const output = formatter(results, { cwd: io.cwd, rulesMeta: engine.rulesMeta(), color, toolVersion: VERSION });
    if (toFile) {
      const target = resolve(io.cwd, toFile);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output);
    } else if (output) io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);

    const crashes = results.flatMap((r) => r.messages.filter((m) => m.fatal && m.ruleId));
    if (crashes.length) {
      for (const c of crashes) io.stderr.write(`ddi-lint: ${c.message}\n`);
      return 2;
    }
    const errors = results.reduce((n, r) => n + r.errorCount, 0);
    const warnings = results.reduce((n, r) => n + r.warningCount, 0);
    if (errors > 0) return 1;
    if (maxWarnings >= 0 && warnings > maxWarnings) {
      io.stderr.write(`ddi-lint found too many warnings (maximum: ${maxWarnings}).\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigFileError || error instanceof UsageError) {
      io.stderr.write(`ddi-lint: ${error.message}\n`);
      return 2;
    }
    const e = error as Error & { key?: string; filePath?: string };
    if (e?.name === 'ConfigError') {
      io.stderr.write(`ddi-lint: ${[e.filePath, e.message].filter(Boolean).join(': ')}\n`);
      return 2;
    }
    io.stderr.write(`ddi-lint: internal error: ${e?.stack ?? String(error)}\n`);
    return 2;
  }
}
