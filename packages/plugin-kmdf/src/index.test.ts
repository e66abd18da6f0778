import { describe, expect, it } from 'vitest';
import plugin, { WDM_RULES_FOR_KMDF } from './index.js';

describe('@ddi-lint/plugin-kmdf presets', () => {
  it('recommended enables the KMDF rules and the WDM rules that hold for KMDF drivers', () => {
    expect(plugin.configs.recommended).toEqual({
      plugins: ['wdm', 'kmdf'],
      rules: {
        'wdm/IrqlExAllocatePool': 'error',
        'wdm/IrqlTooHigh': 'error',
        'wdm/IrqlTooLow': 'error',
        'wdm/IrqlNotRestored': 'error',
        'wdm/SpinLockReleaseMismatch': 'error',
        'wdm/IrqlPagedCode': 'error',
        'kmdf/KmdfIrql': 'error',
        'kmdf/UnsafeAllocatePool': 'warn',
      },
    });
    expect(WDM_RULES_FOR_KMDF).toContain('IrqlExAllocatePool');
  });
  it('all enables every rule as an error', () => {
    expect(Object.values(plugin.configs.all.rules ?? {}).every((v) => v === 'error')).toBe(true);
  });
  it('the KMDF rule documents itself on its own page', () => {
    expect(plugin.rules.UnsafeAllocatePool.meta.docs.url).toMatch(/docs\/rules\/kmdf\/UnsafeAllocatePool\.md$/);
  });
});
