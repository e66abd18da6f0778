import { describe, expect, it } from 'vitest';
import { buildProgram } from '../linter/linter.js';
import { valuesStoredIn } from './pointee.js';

const READERS = new Set(['KeWaitForSingleObject']);

/** The values stored in `t.QuadPart` by the one function of `body`, as the text of each expression. */
function stored(body: string, name = 't'): string[] | undefined {
  const { program } = buildProgram([{ filePath: 'wait.c', text: `VOID Waiter(PKEVENT Event, PLARGE_INTEGER Given, LARGE_INTEGER ByValue)\n{\n${body}\n}\n` }]);
  const [def] = program.definitions();
  return valuesStoredIn(def, name, 'QuadPart', READERS)?.map((s) => s.expression.text);
}

const WAIT = 'KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &t);';

describe('valuesStoredIn', () => {
  it('collects every `t.QuadPart = value` and the initializer, in order', () => {
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -10 * 1000;\n${WAIT}`)).toEqual(['-10 * 1000']);
    expect(stored(`LARGE_INTEGER t = { .QuadPart = -1 };\n${WAIT}\nt.QuadPart = 0;\n${WAIT}`)).toEqual(['-1', '0']);
    expect(stored(`LARGE_INTEGER t = {0};\n${WAIT}`)).toEqual(['0']);
    expect(stored(`LARGE_INTEGER t;\nif (Event) t.QuadPart = -5; else t.QuadPart = -6;\n${WAIT}`)).toEqual(['-5', '-6']);
  });

  it('reads of the field, and passing its address to a reader, are not writes', () => {
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nif (t.QuadPart < 0) ${WAIT}\n${WAIT}`)).toEqual(['-1']);
    expect(stored(`LARGE_INTEGER t;\n(t).QuadPart = -2;\nKeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &(t));`)).toEqual(['-2']);
  });

  it('knows nothing when a write is not `t.QuadPart = value`', () => {
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nt.QuadPart -= 5;\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nt.QuadPart++;\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nt.LowPart = 7;\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt = ByValue;\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t = { 1, 2 };\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nt.u.LowPart = 7;\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\n(t).u.HighPart++;\n${WAIT}`)).toBeUndefined();
  });

  it('knows nothing when the address goes where a write may happen', () => {
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nKeQuerySystemTime(&t);\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nReadTimeoutFromRegistry(&t.QuadPart);\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nt.QuadPart = -1;\nReadLowPart(&(t.u.LowPart));\n${WAIT}`)).toBeUndefined();
    expect(stored(`LARGE_INTEGER t;\nPLARGE_INTEGER p = &t;\nt.QuadPart = -1;\np->QuadPart = 0;\n${WAIT}`)).toBeUndefined();
  });

  it("knows nothing of what it never sees written, or of what is not the function's own local", () => {
    expect(stored(`LARGE_INTEGER t;\n${WAIT}`)).toBeUndefined();
    expect(stored(`Given->QuadPart = -1;\nKeWaitForSingleObject(Event, Executive, KernelMode, FALSE, Given);`, 'Given')).toBeUndefined();
    expect(stored(`ByValue.QuadPart = -1;\nKeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &ByValue);`, 'ByValue')).toBeUndefined();
  });
});
