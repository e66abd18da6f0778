import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../config/errors.js';
import { github } from './github.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Formatter } from './types.js';

export const FORMATTERS: Readonly<Record<string, Formatter>> = { stylish, json, sarif, github, junit, html };

/** A built-in formatter by name, or a module (path) whose default export is a formatter function. */
export async function loadFormatter(name: string, cwd: string): Promise<Formatter> {
  if (Object.prototype.hasOwnProperty.call(FORMATTERS, name)) return FORMATTERS[name];
  const path = resolve(cwd, name);
  if (!existsSync(path)) throw new UsageError(`unknown formatter "${name}" (built in: ${Object.keys(FORMATTERS).join(', ')}; or a path to a module)`);
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  const fn = (mod.default ?? mod) as unknown;
  if (typeof fn !== 'function') throw new UsageError(`formatter module ${path} does not export a function`);
  return fn as Formatter;
}

export type { Formatter, FormatterContext } from './types.js';
