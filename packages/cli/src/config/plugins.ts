/**
 * Plugin resolution. The three official plugins ship with ddi-lint and need no install; any other plugin is
 * resolved from the directory of the config file that names it:
 *   "acme"            → @ddi-lint/plugin-acme, then ddi-lint-plugin-acme
 *   "@acme"           → @acme/ddi-lint-plugin
 *   "@acme/foo"       → @acme/ddi-lint-plugin-foo
 *   "./rules/org.js"  → that file (an organisation's own rules)
 */
import { type Plugin } from '@ddi-lint/core';
import kmdf from '@ddi-lint/plugin-kmdf';
import storport from '@ddi-lint/plugin-storport';
import wdm from '@ddi-lint/plugin-wdm';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigFileError } from './errors.js';

export const BUNDLED_PLUGINS: Readonly<Record<string, Plugin>> = { wdm, kmdf, storport };

export interface LoadedPlugin {
  /** The prefix its rules are named with: `wdm` in `wdm/IrqlExAllocatePool`. */
  readonly prefix: string;
  readonly plugin: Plugin;
}

function isPathSpecifier(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || isAbsolute(name) || name.startsWith('.\\') || name.startsWith('..\\');
}

function candidates(name: string): string[] {
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/');
    return rest ? [`${scope}/ddi-lint-plugin-${rest}`, name] : [`${scope}/ddi-lint-plugin`];
  }
  return [`@ddi-lint/plugin-${name}`, `ddi-lint-plugin-${name}`, name];
}

/** Resolve a package from a directory, honouring `exports` for ESM-only packages. */
function resolvePackage(specifier: string, fromDir: string): string | undefined {
  const require = createRequire(join(fromDir, '__ddi_lint__.js'));
  try {
    return require.resolve(specifier);
  } catch {
    // ESM-only packages have no "require" export: read their package.json.
  }
  try {
    const pkgJson = require.resolve(`${specifier}/package.json`);
    const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports?: unknown; main?: string; module?: string };
    let entry: string | undefined;
    const exp = pkg.exports as Record<string, unknown> | string | undefined;
    const dot = typeof exp === 'string' ? exp : exp && typeof exp === 'object' ? (exp['.'] ?? exp) : undefined;
    if (typeof dot === 'string') entry = dot;
    else if (dot && typeof dot === 'object') {
      const d = dot as Record<string, unknown>;
      const pick = d.import ?? d.default ?? d.node;
      entry = typeof pick === 'string' ? pick : typeof pick === 'object' && pick ? ((pick as Record<string, string>).default ?? undefined) : undefined;
    }
    entry ??= pkg.module ?? pkg.main ?? 'index.js';
    return resolve(dirname(pkgJson), entry);
  } catch {
    return undefined;
  }
}

function asPlugin(mod: unknown): Plugin | undefined {
  const m = mod as { default?: unknown };
  const candidate = (m && typeof m === 'object' && 'default' in m && m.default ? m.default : m) as Partial<Plugin> | undefined;
  if (candidate && typeof candidate === 'object' && candidate.rules && typeof candidate.rules === 'object') {
    return { meta: candidate.meta ?? { name: 'unnamed' }, rules: candidate.rules, configs: candidate.configs };
  }
  return undefined;
}

function prefixFor(name: string, plugin: Plugin, path?: string): string {
  if (!path) return name;
  const metaName = plugin.meta?.name;
  if (metaName) return metaName.replace(/^@ddi-lint\/plugin-/, '').replace(/^ddi-lint-plugin-/, '').replace(/\/ddi-lint-plugin$/, '');
  return basename(path, extname(path));
}

const cache = new Map<string, LoadedPlugin>();

/**
 * Load the plugin `name` named in `configFile`. Throws ConfigFileError naming the file and key when it cannot be
 * found or is not a plugin.
 */
export async function loadPlugin(name: string, configFile: string | undefined, key: string): Promise<LoadedPlugin> {
  if (Object.prototype.hasOwnProperty.call(BUNDLED_PLUGINS, name)) return { prefix: name, plugin: BUNDLED_PLUGINS[name] };
  const fromDir = configFile ? dirname(configFile) : process.cwd();
  let resolved: string | undefined;
  if (isPathSpecifier(name)) {
    resolved = resolve(fromDir, name);
    if (!existsSync(resolved)) throw new ConfigFileError(`plugin "${name}" not found (looked for ${resolved})`, configFile, key);
  } else {
    for (const c of candidates(name)) {
      resolved = resolvePackage(c, fromDir);
      if (resolved) break;
    }
    if (!resolved) {
      throw new ConfigFileError(
        `plugin "${name}" could not be found from ${fromDir} (tried ${candidates(name).join(', ')}); install it next to the config that names it`,
        configFile,
        key,
      );
    }
  }
  const cached = cache.get(resolved);
  if (cached) return { prefix: isPathSpecifier(name) ? cached.prefix : name, plugin: cached.plugin };
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(resolved).href);
  } catch (error) {
    throw new ConfigFileError(`plugin "${name}" failed to load: ${(error as Error).message}`, configFile, key);
  }
  const plugin = asPlugin(mod);
  if (!plugin) throw new ConfigFileError(`"${name}" (${resolved}) is not a ddi-lint plugin: it exports no "rules" object`, configFile, key);
  const loaded = { prefix: isPathSpecifier(name) ? prefixFor(name, plugin, resolved) : name, plugin };
  cache.set(resolved, loaded);
  return loaded;
}
