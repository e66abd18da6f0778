/**
 * @ddi-lint/plugin-wdm — WDM rules, named as Microsoft's DDI compliance rules name them (`wdm/IrqlExAllocatePool`).
 * Presets are generated from each rule's `meta.docs.recommended`: `recommended` holds the precise rules, `all`
 * every rule.
 */
import { type ConfigObject, type RuleEntry, definePlugin } from '@ddi-lint/core';
import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../package.json') as { name: string; version: string };

export type PresetName = 'recommended' | 'strict' | 'all';
type Recommended = boolean | 'error' | 'warn' | 'strict' | undefined;

/** The severity a rule gets in a preset, from its `meta.docs.recommended` (see RuleDocs). */
export function presetSeverity(recommended: Recommended, preset: PresetName | boolean): 'error' | 'warn' | undefined {
  const name: PresetName = preset === true ? 'all' : preset === false ? 'recommended' : preset;
  if (name === 'all') return 'error';
  if (name === 'strict') return recommended ? 'error' : undefined;
  if (recommended === 'warn') return 'warn';
  return recommended === true || recommended === 'error' ? 'error' : undefined;
}

/** Rules of one plugin that a preset draws from: all of them, or `only` these ids. */
export interface PresetRuleSet {
  readonly plugin: string;
  readonly rules: Readonly<Record<string, { readonly meta: { readonly docs: { readonly recommended?: Recommended } } }>>;
  readonly only?: readonly string[];
}

/** A preset over the rules of one or more plugins, each rule at the severity its `meta.docs.recommended` gives it. */
export function presetOf(name: PresetName, ruleSets: readonly PresetRuleSet[]): ConfigObject {
  const entries: Record<string, RuleEntry> = {};
  for (const set of ruleSets) {
    for (const id of set.only ?? Object.keys(set.rules)) {
      const level = presetSeverity(set.rules[id].meta.docs.recommended, name);
      if (level) entries[`${set.plugin}/${id}`] = level;
    }
  }
  return { plugins: ruleSets.map((set) => set.plugin), rules: entries };
}

const preset = (name: PresetName): ConfigObject => presetOf(name, [{ plugin: 'wdm', rules }]);

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: {
    recommended: preset('recommended'),
    strict: preset('strict'),
    all: preset('all'),
    // User-mode code beside kernel drivers (UMDF 2 drivers, test applications): it runs at PASSIVE_LEVEL and has
    // no kernel pool, so no rule of this plugin applies. The embedded default gives it this preset.
    'user-mode': { plugins: ['wdm'], rules: {} },
  },
});

export { rules };
export { createIrqlRangeRule, isPoolAllocator, type IrqlRangeRuleOptions } from './irql-range.js';
export { planMigration, type MigrationTarget, type MigrationPlan, type Rewrite } from './pool-migration.js';
export { createIrqlExFreeRule } from './irql-ex-free.js';
export { DOCS_BASE, docsUrl } from './docs-url.js';
export default plugin;
