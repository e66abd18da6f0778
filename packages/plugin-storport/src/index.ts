/**
 * @ddi-lint/plugin-storport — rules for StorPort miniports, and the StorPort presets.
 *
 * A miniport's pool allocations obey the WDM rules listed in WDM_RULES_FOR_STORPORT.
 */
import { type ConfigObject, type RuleEntry, definePlugin } from '@ddi-lint/core';
import wdm, { type PresetName, presetSeverity } from '@ddi-lint/plugin-wdm';
import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../package.json') as { name: string; version: string };

/**
 * WDM rules that hold for miniports: all but UnsafeAllocatePool, whose advice (ExAllocatePool2) is not a
 * miniport's — HwStorPortProhibitedDDIs asks for StorPortAllocatePool instead.
 */
export const WDM_RULES_FOR_STORPORT = (Object.keys(wdm.rules) as (keyof typeof wdm.rules)[]).filter((id) => id !== 'UnsafeAllocatePool');

function preset(all: PresetName): ConfigObject {
  const entries: Record<string, RuleEntry> = {};
  for (const id of WDM_RULES_FOR_STORPORT) {
    const level = presetSeverity(wdm.rules[id].meta.docs.recommended, all);
    if (level) entries[`wdm/${id}`] = level;
  }
  for (const [id, rule] of Object.entries(rules) as [string, { meta: { docs: { recommended?: boolean | 'error' | 'warn' | 'strict' } } }][]) {
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
  configs: { recommended: preset('recommended'), strict: preset('strict'), all: preset('all') },
});

export { rules };
export default plugin;
