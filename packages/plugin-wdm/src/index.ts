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

/** `recommended`: the rules whose meta says so, at the severity it says; `all`: every rule as an error. */
function preset(all: boolean): ConfigObject {
  const entries: Record<string, RuleEntry> = {};
  for (const [id, rule] of Object.entries(rules)) {
    const level = presetSeverity(rule.meta.docs.recommended, all);
    if (level) entries[`wdm/${id}`] = level;
  }
  return { plugins: ['wdm'], rules: entries };
}

export function presetSeverity(recommended: boolean | 'error' | 'warn' | undefined, all: boolean): 'error' | 'warn' | undefined {
  if (all) return 'error';
  if (recommended === 'warn') return 'warn';
  return recommended ? 'error' : undefined;
}

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: { recommended: preset(false), all: preset(true) },
});

export { rules };
export { createIrqlRangeRule, isPoolAllocator, type IrqlRangeRuleOptions } from './irql-range.js';
export default plugin;
