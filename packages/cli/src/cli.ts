/**
 * The command line: argv → exit code (never calls process.exit, so it is testable in-process).
 * Exit codes as ESLint's: 0 no errors, 1 lint errors (or too many warnings), 2 bad usage, bad config or a crash.
 */
import type { LintResult, RuleEntry } from '@ddi-lint/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigFileError, UsageError } from './config/errors.js';
import { DdiLint } from './engine.js';
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
  -f, --format NAME|PATH      stylish (default), json, sarif, github, or a formatter module
  -o, --output-file FILE      Write the report to FILE instead of standard output
      --max-warnings N        Exit 1 when there are more than N warnings
      --quiet                 Report errors only
      --fix                   Apply automatic fixes to the files
      --report-unused-disable-directives
                              Report ddi-lint-disable comments that suppress nothing
      --debug                 Print config and driver-model decisions to standard error
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
        'report-unused-disable-directives': { type: 'boolean' },
        debug: { type: 'boolean' },
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
    const engine = new DdiLint({
      cwd: io.cwd,
      overrideConfigFile: values.config,
      useConfigLookup: !values['no-config-lookup'],
      ruleOverrides: parseRuleOption(values.rule ?? []),
      fix: values.fix,
      reportUnusedDisableDirectives: values['report-unused-disable-directives'] ? 'error' : 'off',
      debug: values.debug ? (line) => io.stderr.write(`ddi-lint:debug ${line}\n`) : undefined,
    });
    const formatter = await loadFormatter(values.format ?? 'stylish', io.cwd);
    let results: LintResult[] = await engine.lintFiles(positionals);
    if (values.fix) DdiLint.outputFixes(results);
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
