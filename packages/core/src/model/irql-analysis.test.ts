import { describe, expect, it } from 'vitest';
import { assignsPath } from './irql-analysis.js';

describe('assignsPath', () => {
  it('finds each form of writing a path, and only a path that starts its operand', () => {
    for (const [text, path] of [
      ['held = Recheck(Ext);', 'held'],
      ['held |= 1;', 'held'],
      ['held ^= mask;', 'held'],
      ['held++;', 'held'],
      ['-- held;', 'held'],
      ['Recheck(&held);', 'held'],
      ['Recheck(& Ext->Held);', 'Ext->Held'],
      ['Ext->Held\n    = FALSE;', 'Ext->Held'],
      ['Table[i] = 0;', 'Table[i]'],
    ]) {
      expect(assignsPath(text!, path!), text).toBe(true);
    }
    for (const [text, path] of [
      ['if (held == TRUE) Log(held);', 'held'],
      ['heldCount = 1;', 'held'],
      ['Other->held = 0;', 'held'],
      ['Other.Ext->Held = 0;', 'Ext->Held'],
      ['Ext->HeldCount = 0;', 'Ext->Held'],
      ['Log(&heldCount);', 'held'],
      ['held =', 'held'],
    ]) {
      expect(assignsPath(text!, path!), text).toBe(false);
    }
  });
});
