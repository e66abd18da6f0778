/**
 * @ddi-lint/plugin-storport — rules for StorPort miniports, and the StorPort presets.
 *
 * A miniport's pool allocations obey the WDM rules listed in WDM_RULES_FOR_STORPORT.
 */
import { type ConfigObject, definePlugin } from '@ddi-lint/core';
import wdm, { type PresetName, presetOf } from '@ddi-lint/plugin-wdm';
import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../package.json') as { name: string; version: string };

/**
 * WDM rules that hold for miniports: all but UnsafeAllocatePool, whose advice (ExAllocatePool2) is not a
 * miniport's — HwStorPortProhibitedDDIs asks for StorPortAllocatePool instead.
 */
export const WDM_RULES_FOR_STORPORT = (Object.keys(wdm.rules) as (keyof typeof wdm.rules)[]).filter((id) => id !== 'UnsafeAllocatePool');

const preset = (name: PresetName): ConfigObject =>
  presetOf(name, [
    { plugin: 'wdm', rules: wdm.rules, only: WDM_RULES_FOR_STORPORT },
    { plugin: 'storport', rules },
  ]);

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: { recommended: preset('recommended'), strict: preset('strict'), all: preset('all') },
});

export { rules };
export default plugin;
