import { describe, expect, it } from 'vitest';
import plugin, { WDM_RULES_FOR_KMDF } from './index.js';

describe('@ddi-lint/plugin-kmdf presets', () => {
  it('recommended enables the KMDF rules and the WDM rules that hold for KMDF drivers', () => {
    const rules = plugin.configs.recommended.rules ?? {};
    expect(plugin.configs.recommended.plugins).toEqual(['wdm', 'kmdf']);
    expect(rules['kmdf/UnsafeAllocatePool']).toBe('warn');
    expect(rules['kmdf/KmdfIrql']).toBe('error');
    expect(rules['wdm/IrqlExAllocatePool']).toBe('error');
    expect(rules['wdm/UnsafeAllocatePool']).toBeUndefined();
    expect(WDM_RULES_FOR_KMDF).toContain('IrqlExAllocatePool');
  });
  it('all enables every rule as an error', () => {
    expect(Object.values(plugin.configs.all.rules ?? {}).every((v) => v === 'error')).toBe(true);
  });
  it('the KMDF rule documents itself on its own page', () => {
    expect(plugin.rules.UnsafeAllocatePool.meta.docs.url).toMatch(/docs\/rules\/kmdf\/UnsafeAllocatePool\.md$/);
  });
});
