/**
 * @ddi-lint/plugin-kmdf — rules for KMDF drivers, and the KMDF presets.
 *
 * A KMDF driver still calls WDM DDIs (pool allocation under a WDF spin lock is the same bug), so the presets also
 * enable the WDM rules listed in WDM_RULES_FOR_KMDF.
 */
import { type ConfigObject, definePlugin } from '@ddi-lint/core';
import wdm, { type PresetName, presetOf } from '@ddi-lint/plugin-wdm';
import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../package.json') as { name: string; version: string };

/** WDM rules that hold for KMDF drivers too: all of them but UnsafeAllocatePool, which KMDF has as its own rule. */
export const WDM_RULES_FOR_KMDF = (Object.keys(wdm.rules) as (keyof typeof wdm.rules)[]).filter((id) => id !== 'UnsafeAllocatePool');

const preset = (name: PresetName): ConfigObject =>
  presetOf(name, [
    { plugin: 'wdm', rules: wdm.rules, only: WDM_RULES_FOR_KMDF },
    { plugin: 'kmdf', rules },
  ]);

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: { recommended: preset('recommended'), strict: preset('strict'), all: preset('all') },
});

export { rules };
export default plugin;
