/**
 * Config lookup and resolution, eslintrc-style.
 *
 * For each file, config files are looked up from its directory upward (cosmiconfig, module name `ddi`: `.ddirc`
 * as JSON or YAML, `.ddirc.json`, `.ddirc.yaml`, `.ddirc.yml`, `.ddirc.js/.cjs/.mjs`, `ddi.config.js/.cjs/.mjs`,
 * `package.json#ddi`), stopping at one with `root: true`. Farther configs apply first, nearer ones override. Each
 * config's `extends` (presets such as `wdm/recommended`, or paths) is applied before the config itself, and its
 * `overrides` apply to the files their globs match, relative to the config's directory. `-c FILE` replaces the
 * lookup. When nothing is found, the embedded default (the driver model's recommended preset) applies.
 */
import { type Plugin, type RuleEntry, type Settings, normalizeRuleEntry } from '@ddi-lint/core';
import { cosmiconfig, type CosmiconfigResult } from 'cosmiconfig';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { ConfigFileError } from './errors.js';
import { type LoadedPlugin, loadPlugin } from './plugins.js';

export const SEARCH_PLACES = [
  'package.json',
  '.ddirc',
  '.ddirc.json',
  '.ddirc.yaml',
  '.ddirc.yml',
  '.ddirc.js',
  '.ddirc.cjs',
  '.ddirc.mjs',
  'ddi.config.js',
  'ddi.config.cjs',
  'ddi.config.mjs',
];

const TOP_LEVEL_KEYS = new Set(['root', 'extends', 'plugins', 'rules', 'settings', 'overrides', 'ignorePatterns', '$schema']);
const OVERRIDE_KEYS = new Set(['files', 'excludedFiles', 'extends', 'rules', 'settings']);

type NormalizedRule = readonly [0 | 1 | 2, ...unknown[]];

/** A config with its `extends` applied: what one config file (or preset) contributes. */
export interface ExpandedConfig {
  readonly rules: Readonly<Record<string, NormalizedRule>>;
  /** Where each rule entry was set (a file path or a preset name), for error messages. */
  readonly ruleOrigins: Readonly<Record<string, string>>;
  readonly settings: Settings;
  readonly plugins: Readonly<Record<string, Plugin>>;
  readonly overrides: readonly ExpandedOverride[];
  readonly ignorePatterns: readonly { readonly baseDir: string; readonly pattern: string }[];
  readonly root: boolean;
  /** The files this came from, nearest last. */
  readonly sources: readonly string[];
}

export interface ExpandedOverride {
  readonly baseDir: string;
  readonly files: readonly string[];
  readonly excludedFiles: readonly string[];
  readonly config: ExpandedConfig;
}

export const EMPTY_CONFIG: ExpandedConfig = {
  rules: {},
  ruleOrigins: {},
  settings: {},
  plugins: {},
  overrides: [],
  ignorePatterns: [],
  root: false,
  sources: [],
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** Apply `next` on top of `base`. A severity-only entry keeps the options set before it (as ESLint does). */
export function mergeConfigs(base: ExpandedConfig, next: ExpandedConfig): ExpandedConfig {
  const rules: Record<string, NormalizedRule> = { ...base.rules };
  for (const [id, entry] of Object.entries(next.rules)) {
    const prev = rules[id];
    rules[id] = entry.length === 1 && prev && prev.length > 1 ? [entry[0], ...prev.slice(1)] : entry;
  }
  return {
    rules,
    ruleOrigins: { ...base.ruleOrigins, ...next.ruleOrigins },
    settings: deepMerge(base.settings as Record<string, unknown>, next.settings as Record<string, unknown>) as Settings,
    plugins: { ...base.plugins, ...next.plugins },
    overrides: [...base.overrides, ...next.overrides],
    ignorePatterns: [...base.ignorePatterns, ...next.ignorePatterns],
    root: base.root || next.root,
    sources: [...base.sources, ...next.sources],
  };
}

function asStringList(value: unknown, file: string | undefined, key: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ConfigFileError(`expected a string or an array of strings, got ${JSON.stringify(value)}`, file, key);
}

function isPathLike(s: string): boolean {
  return s.startsWith('./') || s.startsWith('../') || isAbsolute(s) || /\.(json|ya?ml|c?js|mjs)$/.test(s) || /(^|[/\\])\.ddirc$/.test(s);
}

export class ConfigLoader {
  private readonly explorer = cosmiconfig('ddi', { searchPlaces: SEARCH_PLACES, searchStrategy: 'none', cache: false });
  private readonly dirCache = new Map<string, Promise<ExpandedConfig | undefined>>();
  private readonly fileCache = new Map<string, Promise<ExpandedConfig>>();

  /** Load and expand one config file (for `-c`, `extends` paths and lookup). */
  loadFile(filePath: string, chain: readonly string[] = []): Promise<ExpandedConfig> {
    const abs = resolve(filePath);
    if (chain.includes(abs)) {
      throw new ConfigFileError(`circular "extends": ${[...chain, abs].join(' → ')}`, chain.at(-1), 'extends');
    }
    if (!chain.length) {
      const cached = this.fileCache.get(abs);
      if (cached) return cached;
    }
    const promise = (async () => {
      if (!existsSync(abs)) throw new ConfigFileError('config file not found', abs);
      let result: CosmiconfigResult;
      try {
        result = await this.explorer.load(abs);
      } catch (error) {
        throw new ConfigFileError(describeLoadError(abs, error), abs);
      }
      return this.expand(result?.config ?? {}, abs, [...chain, abs]);
    })();
    if (!chain.length) this.fileCache.set(abs, promise);
    return promise;
  }

  /** The config file in `dir` itself, if any. */
  private async configInDir(dir: string): Promise<string | undefined> {
    try {
      const result = await this.explorer.search(dir);
      return result?.filepath && dirname(result.filepath) === dir ? result.filepath : undefined;
    } catch (error) {
      // Name the file that failed: the first search place present in this directory that does not load.
      for (const place of SEARCH_PLACES) {
        const candidate = resolve(dir, place);
        if (!existsSync(candidate)) continue;
        try {
          await this.explorer.load(candidate);
        } catch (inner) {
          throw new ConfigFileError(describeLoadError(candidate, inner), candidate);
        }
      }
      throw new ConfigFileError(cleanParseError(error), dir);
    }
  }

  /**
   * The cascaded config for files in `dir`: every config from `dir` up to the first `root: true`, farthest
   * first. Undefined when there is none anywhere.
   */
  forDirectory(dir: string): Promise<ExpandedConfig | undefined> {
    const abs = resolve(dir);
    let cached = this.dirCache.get(abs);
    if (!cached) {
      cached = (async () => {
        const file = await this.configInDir(abs);
        const own = file ? await this.loadFile(file) : undefined;
        if (own?.root) return own;
        const parent = dirname(abs);
        const above = parent !== abs ? await this.forDirectory(parent) : undefined;
        if (above && own) return mergeConfigs(above, own);
        return own ?? above;
      })();
      this.dirCache.set(abs, cached);
    }
    return cached;
  }

  /** Validate a raw config object and apply its `extends`, `plugins` and `overrides`. */
  async expand(raw: unknown, filePath: string | undefined, chain: readonly string[]): Promise<ExpandedConfig> {
    if (!isObject(raw)) throw new ConfigFileError(`a config must be an object, got ${JSON.stringify(raw)}`, filePath);
    for (const key of Object.keys(raw)) {
      if (!TOP_LEVEL_KEYS.has(key)) {
        throw new ConfigFileError(`unexpected top-level property "${key}" (allowed: ${[...TOP_LEVEL_KEYS].filter((k) => k !== '$schema').join(', ')})`, filePath, key);
      }
    }
    const baseDir = filePath ? dirname(filePath) : process.cwd();
    if (raw.root !== undefined && typeof raw.root !== 'boolean') throw new ConfigFileError('must be true or false', filePath, 'root');
    let result: ExpandedConfig = EMPTY_CONFIG;
    for (const [i, ext] of asStringList(raw.extends, filePath, 'extends').entries()) {
      result = mergeConfigs(result, await this.resolveExtends(ext, filePath, chain, `extends[${i}]`));
    }
    const plugins: Record<string, Plugin> = {};
    for (const [i, name] of asStringList(raw.plugins, filePath, 'plugins').entries()) {
      const loaded: LoadedPlugin = await loadPlugin(name, filePath, `plugins[${i}]`);
      plugins[loaded.prefix] = loaded.plugin;
    }
    const rules = normalizeRules(raw.rules, filePath, 'rules');
    if (raw.settings !== undefined && !isObject(raw.settings)) throw new ConfigFileError('must be an object', filePath, 'settings');
    const overrides: ExpandedOverride[] = [];
    if (raw.overrides !== undefined) {
      if (!Array.isArray(raw.overrides)) throw new ConfigFileError('must be an array', filePath, 'overrides');
      for (const [i, o] of raw.overrides.entries()) {
        const key = `overrides[${i}]`;
        if (!isObject(o)) throw new ConfigFileError('must be an object', filePath, key);
        for (const k of Object.keys(o)) if (!OVERRIDE_KEYS.has(k)) throw new ConfigFileError(`unexpected property "${k}"`, filePath, `${key}.${k}`);
        const files = asStringList(o.files, filePath, `${key}.files`);
        if (!files.length) throw new ConfigFileError('"files" is required', filePath, `${key}.files`);
        let sub: ExpandedConfig = EMPTY_CONFIG;
        for (const [j, ext] of asStringList(o.extends, filePath, `${key}.extends`).entries()) {
          sub = mergeConfigs(sub, await this.resolveExtends(ext, filePath, chain, `${key}.extends[${j}]`));
        }
        if (o.settings !== undefined && !isObject(o.settings)) throw new ConfigFileError('must be an object', filePath, `${key}.settings`);
        sub = mergeConfigs(sub, {
          ...EMPTY_CONFIG,
          rules: normalizeRules(o.rules, filePath, `${key}.rules`),
          ruleOrigins: originsOf(o.rules, filePath),
          settings: (o.settings ?? {}) as Settings,
        });
        overrides.push({ baseDir, files, excludedFiles: asStringList(o.excludedFiles, filePath, `${key}.excludedFiles`), config: sub });
      }
    }
    const own: ExpandedConfig = {
      rules,
      ruleOrigins: originsOf(raw.rules, filePath),
      settings: (raw.settings ?? {}) as Settings,
      plugins,
      overrides,
      ignorePatterns: asStringList(raw.ignorePatterns, filePath, 'ignorePatterns').map((pattern) => ({ baseDir, pattern })),
      root: raw.root === true,
      sources: filePath ? [filePath] : [],
    };
    return mergeConfigs(result, own);
  }

  private async resolveExtends(ext: string, filePath: string | undefined, chain: readonly string[], key: string): Promise<ExpandedConfig> {
    if (isPathLike(ext)) {
      const target = resolve(filePath ? dirname(filePath) : process.cwd(), ext);
      try {
        return await this.loadFile(target, chain);
      } catch (error) {
        if (error instanceof ConfigFileError && error.reason === 'config file not found') {
          throw new ConfigFileError(`extended config "${ext}" not found (${target})`, filePath, key);
        }
        throw error;
      }
    }
    const spec = ext.replace(/^plugin:/, '');
    const slash = spec.lastIndexOf('/');
    if (slash <= 0) throw new ConfigFileError(`"${ext}" is neither a preset ("plugin/config") nor a path`, filePath, key);
    const pluginName = spec.slice(0, slash);
    const configName = spec.slice(slash + 1);
    const loaded = await loadPlugin(pluginName, filePath, key);
    const preset = loaded.plugin.configs?.[configName];
    if (!preset) {
      const available = Object.keys(loaded.plugin.configs ?? {}).map((c) => `${pluginName}/${c}`);
      throw new ConfigFileError(`plugin "${pluginName}" has no config "${configName}" (available: ${available.join(', ') || 'none'})`, filePath, key);
    }
    const expanded = await this.expand(preset, filePath, chain);
    const origins: Record<string, string> = {};
    for (const id of Object.keys(expanded.rules)) origins[id] = `${ext} (extended by ${filePath ?? 'the command line'})`;
    return { ...expanded, plugins: { [loaded.prefix]: loaded.plugin, ...expanded.plugins }, ruleOrigins: origins, sources: [] };
  }
}

function normalizeRules(raw: unknown, filePath: string | undefined, key: string): Record<string, NormalizedRule> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new ConfigFileError('must be an object of rule id → severity', filePath, key);
  const out: Record<string, NormalizedRule> = {};
  for (const [id, entry] of Object.entries(raw)) {
    try {
      out[id] = normalizeRuleEntry(entry as RuleEntry, `${key}.${id}`) as NormalizedRule;
    } catch (error) {
      throw new ConfigFileError((error as Error).message.replace(/^[^:]+: /, ''), filePath, `${key}.${id}`);
    }
  }
  return out;
}

function originsOf(raw: unknown, filePath: string | undefined): Record<string, string> {
  if (!isObject(raw)) return {};
  return Object.fromEntries(Object.keys(raw).map((id) => [id, filePath ?? 'the command line']));
}

/** A load error as one line; JSON syntax errors get the line and column Node only gives as an offset. */
function describeLoadError(file: string, error: unknown): string {
  if (/\.json$/.test(file)) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
      JSON.parse(text);
    } catch (jsonError) {
      const message = (jsonError as Error).message;
      const at = /at position (\d+)/.exec(message);
      if (at) {
        const offset = Number(at[1]);
        const before = text.slice(0, offset).split('\n');
        const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
        return `invalid JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${reason}`;
      }
    }
  }
  return cleanParseError(error);
}

function cleanParseError(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^(?:YAML|JSON) Error in \S+:\s*/, '');
  return message.split('\n').filter((l) => l.trim() && !/^\s*\d+\s*\|/.test(l) && !/^\s*\^/.test(l)).slice(0, 2).join(' ').trim();
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Does a glob list of a config (relative to its directory) match the file? Globs without a slash match names. */
export function matchesGlobs(filePath: string, baseDir: string, globs: readonly string[]): boolean {
  const rel = toPosix(relative(baseDir, filePath));
  if (rel.startsWith('..')) return false;
  return globs.some((g) => {
    const pattern = g.replace(/^\.\//, '');
    return picomatch.isMatch(rel, pattern, { dot: true, basename: !pattern.includes('/') });
  });
}

/** Is the path ignored by a config's ignorePatterns (a pattern naming a directory ignores everything in it)? */
export function isIgnored(filePath: string, config: ExpandedConfig): boolean {
  return config.ignorePatterns.some(({ baseDir, pattern }) => {
    const rel = toPosix(relative(baseDir, filePath));
    if (rel.startsWith('..')) return false;
    const p = pattern.replace(/^\.\//, '').replace(/\/$/, '');
    const opts = { dot: true, basename: !p.includes('/') };
    if (picomatch.isMatch(rel, p, opts)) return true;
    // Any parent directory matching the pattern ignores the file.
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (picomatch.isMatch(parts.slice(0, i).join('/'), p, opts)) return true;
    return false;
  });
}

/** The config that applies to one file: the cascade plus the overrides whose globs match it. */
export function configForFile(base: ExpandedConfig, filePath: string): ExpandedConfig {
  let result = base;
  for (const o of base.overrides) {
    if (matchesGlobs(filePath, o.baseDir, o.files) && !matchesGlobs(filePath, o.baseDir, o.excludedFiles)) {
      result = mergeConfigs(result, o.config);
    }
  }
  return result;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
