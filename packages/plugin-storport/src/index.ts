/**
 * @ddi-lint/plugin-storport — rules for StorPort miniports, and the StorPort presets.
 *
 * A miniport's pool allocations obey the WDM rules listed in WDM_RULES_FOR_STORPORT.
 */
import { type ConfigObject, type RuleEntry, definePlugin } from '@ddi-lint/core';
import wdm, { presetSeverity } from '@ddi-lint/plugin-wdm';
import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../package.json') as { name: string; version: string };

// UnsafeAllocatePool is left out: a miniport should use StorPortAllocatePool, which HwStorPortProhibitedDDIs asks for.
export const WDM_RULES_FOR_STORPORT = ['IrqlExAllocatePool', 'IrqlTooHigh', 'IrqlTooLow', 'IrqlNotRestored', 'SpinLockReleaseMismatch', 'IrqlPagedCode'] as const;

function preset(all: boolean): ConfigObject {
  const entries: Record<string, RuleEntry> = {};
  for (const id of WDM_RULES_FOR_STORPORT) {
    const level = presetSeverity(wdm.rules[id].meta.docs.recommended, all);
    if (level) entries[`wdm/${id}`] = level;
  }
  for (const [id, rule] of Object.entries(rules) as [string, { meta: { docs: { recommended?: boolean | 'error' | 'warn' } } }][]) {
    {
      const level = presetSeverity(rule.meta.docs.recommended, all);
      if (level) entries[`storport/${id}`] = level;
    }
  }
  return { plugins: ['wdm', 'storport'], rules: entries };
}

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: { recommended: preset(false), all: preset(true) },
});

export { rules };
export default plugin;
