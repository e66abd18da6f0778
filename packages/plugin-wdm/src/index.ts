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

function preset(filter: (rule: (typeof rules)[keyof typeof rules]) => boolean): ConfigObject {
  const entries: Record<string, RuleEntry> = {};
  for (const [id, rule] of Object.entries(rules)) if (filter(rule)) entries[`wdm/${id}`] = 'error';
  return { plugins: ['wdm'], rules: entries };
}

const plugin = definePlugin({
  meta: { name, version },
  rules,
  configs: {
    recommended: preset((r) => r.meta.docs.recommended === true),
    all: preset(() => true),
  },
});

export { rules };
export default plugin;
