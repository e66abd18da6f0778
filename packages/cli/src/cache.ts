/**
 * `--cache`: the results of each analysis unit, keyed by a hash of everything they depend on — the text and
 * path of every file in the unit (a unit holds every file whose functions, headers or registrations its
 * results can see), each file's config, the plugins and their versions, ddi-lint's version and the options
 * that change results. An unchanged re-run reads every unit back; a changed file re-analyses its own unit only.
 * Stored as one JSON file per unit under `node_modules/.cache/ddi-lint` (or `--cache-location`).
 */
import type { LintResult, Plugin } from '@ddi-lint/core';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpandedConfig } from './config/config-loader.js';

/** Bumped when the stored shape or the meaning of a key changes. */
const FORMAT = 1;

export class ResultCache {
  private readonly used = new Set<string>();
  private readonly fingerprints = new WeakMap<object, string>();

  constructor(
    readonly directory: string,
    /** Whatever applies to the whole run: versions and result-changing options. */
    private readonly salt: string,
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

  get(key: string): LintResult[] | undefined {
    try {
      const stored = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as { key: string; results: LintResult[] };
      if (stored.key !== key || !Array.isArray(stored.results)) return undefined;
      this.used.add(key);
      return stored.results;
    } catch {
      return undefined; // missing or unreadable: analyse again
    }
  }

  set(key: string, results: readonly LintResult[]): void {
    // A result cut short by a time budget depends on the machine's speed, not on the input: never kept.
    if (results.some((r) => r.messages.some((m) => m.ruleId === null ? /per-file budget/.test(m.message) : m.fatal))) return;
    mkdirSync(this.directory, { recursive: true });
    const target = this.pathOf(key);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ key, results }));
    renameSync(temp, target);
    this.used.add(key);
  }

  /** Remove the entries this run did not use (after a complete, unsharded run, so that the cache does not grow forever). */
  prune(): void {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^([0-9a-f]{64})\.json$/.exec(name);
      if (m && !this.used.has(m[1])) rmSync(join(this.directory, name), { force: true });
    }
  }

  private pathOf(key: string): string {
    return join(this.directory, `${key}.json`);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
