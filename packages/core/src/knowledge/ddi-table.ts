/**
 * The documented IRQL of each DDI function and callback role type, read from `data/ddi-functions.tsv`
 * (facts extracted from Microsoft's DDI reference; see NOTICE.md). Rows whose page states no IRQL keep
 * `irqlMax`/`irqlMin` undefined: callers must skip them, never guess.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Level, parseLevel } from '../model/irql.js';

export interface DdiEntry {
  readonly name: string;
  readonly header: string;
  readonly kind: 'function' | 'callback';
  /** The IRQL sentence of the reference page, verbatim. */
  readonly irqlText: string;
  readonly irqlMax?: Level;
  readonly irqlMin?: Level;
  /** DDI compliance rules the page names, as `Rule(model)`. */
  readonly complianceRules: readonly string[];
  readonly deprecated: boolean;
  /** For a callback role type: the usual function names (`EvtIoRead`, `HwStorStartIo`, …). */
  readonly aliases: readonly string[];
}

export const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

let table: Map<string, DdiEntry> | undefined;

function load(): Map<string, DdiEntry> {
  const text = readFileSync(`${DATA_DIR}ddi-functions.tsv`, 'utf8');
  const rows = text.split('\n');
  const byName = new Map<string, DdiEntry>();
  for (const row of rows.slice(1)) {
    if (!row.trim()) continue;
    const [name, header, kind, irqlText, max, min, rules, deprecated, aliases] = row.split('\t');
    const entry: DdiEntry = {
      name,
      header,
      kind: kind === 'callback' ? 'callback' : 'function',
      irqlText: irqlText ?? '',
      irqlMax: max ? parseLevel(max) : undefined,
      irqlMin: min ? parseLevel(min) : undefined,
      complianceRules: rules ? rules.split(',') : [],
      deprecated: deprecated === '1',
      aliases: aliases ? aliases.split('|') : [],
    };
    // A name documented in two headers (wdm and ntddk, say) keeps the row that states an IRQL.
    const previous = byName.get(name);
    if (!previous || (previous.irqlMax === undefined && entry.irqlMax !== undefined)) byName.set(name, entry);
  }
  return byName;
}

export function ddiTable(): ReadonlyMap<string, DdiEntry> {
  table ??= load();
  return table;
}

export function lookupDdi(name: string): DdiEntry | undefined {
  return ddiTable().get(name);
}
