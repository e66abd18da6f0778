/**
 * LintService: lints one folder of a driver the way the CLI lints it — the same config lookup (`DdiLint`'s
 * cascade, `-c`, or the embedded default per driver model), the same resolution and checks, all the folder's
 * C/C++ sources analysed together as one program so that cross-file IRQL facts hold — but with the editor's
 * unsaved text for the documents that are open.
 *
 * `DdiLint.lintFiles` only lints files as they are on disk, so this gathers the folder's texts (the editor's where
 * a document is open) and hands them to `DdiLint.lintUnit`, the engine's own analysis of one unit: the same config
 * per file, the same IRQL settings, the same rules and directives.
 */
import type { DriverModel, LintMessage, LintResult } from '@ddi-lint/core';
import { DdiLint, type DdiLintOptions, EMBEDDED_PRESETS, type ExpandedConfig, isIgnored, readSource } from 'ddi-lint';
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The source extensions the CLI lints by default. */
export const SOURCE_EXTENSIONS: readonly string[] = ['.c', '.h', '.cpp', '.cc', '.cxx', '.hpp', '.hxx'];

/** Names of config files (cosmiconfig's search places for module `ddi`); a change to one reloads the configs. */
export function isConfigFile(filePath: string): boolean {
  const name = basename(filePath);
  return /^\.ddirc(\.(json|ya?ml|c?js|mjs))?$/.test(name) || /^ddi\.config\.(c?js|mjs)$/.test(name) || name === 'package.json';
}

export function isSourceFile(filePath: string): boolean {
  const lower = filePath.toLowerCase();
  return SOURCE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export interface LintServiceOptions {
  /** Base directory for a relative `configFile`. */
  readonly cwd?: string;
  /** As `-c FILE`: use this config instead of the lookup. */
  readonly configFile?: string;
  /** As `--no-config-lookup` when false. */
  readonly useConfigLookup?: boolean;
  readonly reportUnusedDisableDirectives?: 'off' | 'warn' | 'error';
  /** Receives debug lines (which config applied to which file). */
  readonly debug?: (line: string) => void;
}

export interface FileLint {
  readonly filePath: string;
  /** The text that was linted (the editor's, for an open document); fixes' offsets refer to it. */
  readonly text: string;
  readonly result: LintResult;
  /** The docs URL of a rule, from the plugins of this file's config. */
  docsUrl(ruleId: string): string | undefined;
}

export interface FolderLint {
  /** Every linted file of the folder, by absolute path. */
  readonly files: ReadonlyMap<string, FileLint>;
  /** Files an `ignorePatterns` entry excludes: they get no diagnostics. */
  readonly ignored: ReadonlySet<string>;
}

export class LintService {
  private engine!: DdiLint;

  constructor(private readonly options: LintServiceOptions = {}) {
    this.reload();
  }

  /**
   * Drop every cached config (after a config file changed), and the parses and analyses kept in memory: the next
   * lint reads and analyses everything again. Between reloads, a lint after an edit parses the edited file and
   * analyses its functions (and those whose callees' summaries changed) again, and reads the rest back.
   */
  reload(): void {
    const engineOptions: DdiLintOptions = {
      cwd: this.options.cwd,
      overrideConfigFile: this.options.configFile,
      useConfigLookup: this.options.useConfigLookup,
      reportUnusedDisableDirectives: this.options.reportUnusedDisableDirectives,
      debug: this.options.debug,
      memoryCache: true,
    };
    this.engine = new DdiLint(engineOptions);
  }

  /** The C/C++ sources directly in `dir`, sorted as the CLI sorts them. */
  static sourcesIn(dir: string): string[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const e of entries) {
      if (!isSourceFile(e.name)) continue;
      const path = join(dir, e.name);
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          isFile = statSync(path).isFile();
        } catch {
          isFile = false;
        }
      }
      if (isFile) out.push(path);
    }
    return out;
  }

  /**
   * Lint the sources of `dir` together. `overlays` (absolute path → text) replace what is on disk, and an overlay
   * of a file not yet on disk is linted too. Throws a ConfigFileError (or core's ConfigError) for a bad config.
   */
  async lintFolder(dir: string, overlays: ReadonlyMap<string, string> = new Map()): Promise<FolderLint> {
    const folder = resolve(dir);
    const paths = new Set(LintService.sourcesIn(folder));
    for (const path of overlays.keys()) if (dirname(path) === folder) paths.add(path);
    const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    const bases = new Map<string, ExpandedConfig | undefined>();
    const ignored = new Set<string>();
    const inputs: { filePath: string; text: string }[] = [];
    for (const filePath of sorted) {
      const base = await this.engine.baseConfigFor(filePath);
      if (base && isIgnored(filePath, base)) {
        ignored.add(filePath);
        continue;
      }
      let text = overlays.get(filePath);
      if (text === undefined) {
        const read = readSource(filePath);
        if ('error' in read) continue;
        text = read.text;
      }
      bases.set(filePath, base);
      inputs.push({ filePath, text });
    }
    const results = await this.engine.lintUnit(inputs);
    const rulesMeta = this.engine.rulesMeta();

    const files = new Map<string, FileLint>();
    results.forEach((result, i) => {
      const filePath = result.filePath;
      const model = (result.driverModel ?? 'wdm') as DriverModel;
      const base = bases.get(filePath);
      this.options.debug?.(
        `${filePath}: driver model ${model}; ${base ? `config ${base.sources.join(' + ') || '(from configFile)'}` : `no config file found, embedded default ${EMBEDDED_PRESETS[model]}`}`,
      );
      files.set(filePath, {
        filePath,
        text: inputs[i].text,
        result,
        docsUrl: (ruleId) => rulesMeta[ruleId]?.docs.url,
      });
    });
    return { files, ignored };
  }
}

export { isIgnored };
export type { LintMessage };
