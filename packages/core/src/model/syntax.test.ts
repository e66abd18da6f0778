import { describe, expect, it } from 'vitest';
import { type SyntaxNode, parseSource } from '../frontend/parser.js';
import { conditionValue, enclosingCases, enclosingConditions, compactText, testedExpression } from './syntax.js';

function callNamed(code: string, name: string): SyntaxNode {
  const source = parseSource('syntax.c', code);
  const call = source.root.descendantsOfType('call_expression').find((c) => c.childForFieldName('function')?.text === name);
  if (!call) throw new Error(`no call to ${name}`);
  return call;
}

const CODE = `
VOID Control(PPORT Port, ULONG Action, BOOLEAN AtDpc)
{
    if (AtDpc && TryQueue(Port)) {
        return;
    }
    switch (Action) {
    case ACTION_STOP:
        Stop(Port);
        break;
    case ACTION_PAUSE:
    case ACTION_FLUSH:
        Flush(Port);
    case ACTION_RELEASE:
        Release(Port);
        break;
    default:
        Other(Port);
        break;
    }
}
`;

describe('path conditions', () => {
  it('the right operand of && runs when the left one is true', () => {
    const [c] = enclosingConditions(callNamed(CODE, 'TryQueue'));
    expect([c.condition.text, c.whenTrue]).toEqual(['AtDpc', true]);
    expect(conditionValue(c.condition, (n) => (n === 'AtDpc' ? 0n : undefined))).toBe(false);
    expect(conditionValue(c.condition, () => undefined)).toBeUndefined();
  });

  it('a case is reached by its own label and the labels that fall into it', () => {
    const labels = (name: string) => enclosingCases(callNamed(CODE, name)).map((c) => [c.discriminant.text, c.values?.map((v) => v.text)]);
    expect(labels('Stop')).toEqual([['(Action)', ['ACTION_STOP']]]);
    expect(labels('Flush')).toEqual([['(Action)', ['ACTION_PAUSE', 'ACTION_FLUSH']]]);
    expect(labels('Release')).toEqual([['(Action)', ['ACTION_PAUSE', 'ACTION_FLUSH', 'ACTION_RELEASE']]]);
    expect(labels('Other')).toEqual([['(Action)', undefined]]);
  });
});

describe('testedExpression', () => {
  it('takes off parentheses, a negation of one operand and comparisons with boolean constants, keeping the truth', () => {
    expect(testedExpression('!(LockHeld)')).toEqual({ expression: 'LockHeld', truth: false });
    expect(testedExpression('( Ext->Flags & FLAG_X ) == FALSE')).toEqual({ expression: 'Ext->Flags&FLAG_X', truth: false });
    expect(testedExpression('Buffer != NULL')).toEqual({ expression: 'Buffer', truth: true });
    expect(testedExpression('!!IsDumpMode(Adapter)')).toEqual({ expression: 'IsDumpMode(Adapter)', truth: true });
    expect(testedExpression('ConfigInfo->DumpMode == TRUE')).toEqual({ expression: 'ConfigInfo->DumpMode', truth: true });
  });

  it('leaves a negation that covers only the first operand of a binary expression alone', () => {
    expect(testedExpression('!a && b')).toEqual({ expression: '!a&&b', truth: true });
    expect(testedExpression('(a) && (b)')).toEqual({ expression: '(a)&&(b)', truth: true });
    expect(testedExpression('!x > 2')).toEqual({ expression: '!x>2', truth: true });
    // A count compared with 1 is not a truth test (it may be 2).
    expect(testedExpression('device->PendingCount == 1')).toEqual({ expression: 'device->PendingCount==1', truth: true });
  });
});

describe('compactText', () => {
  it('drops spaces and only the parentheses that enclose the whole text', () => {
    expect(compactText(' ((ext->Lock)) ')).toBe('ext->Lock');
    expect(compactText('(a) + (b)')).toBe('(a)+(b)');
  });
});
