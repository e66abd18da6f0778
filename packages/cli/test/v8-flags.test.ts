/** The V8 flags the ddi-lint command sets for itself, and that a user's own setting of the same flag wins. */
import { describe, expect, it } from 'vitest';
import { V8_FLAGS, applyV8Flags } from '../src/v8-flags.js';

const collect = () => {
  const set: string[] = [];
  return { set, record: (flag: string) => void set.push(flag) };
};

describe('applyV8Flags', () => {
  it('sets every flag when node was given none of them', () => {
    const { set, record } = collect();
    expect(applyV8Flags({ nodeOptions: '--enable-source-maps', execArgv: ['--trace-warnings'], set: record })).toEqual([...V8_FLAGS]);
    expect(set).toEqual([...V8_FLAGS]);
  });

  it('leaves a flag the user gave in NODE_OPTIONS or on node’s command line, in either spelling', () => {
    for (const env of [
      { nodeOptions: '--max-inlined-bytecode-size-cumulative=920', execArgv: [] },
      { nodeOptions: '', execArgv: ['--max_inlined_bytecode_size_cumulative=920'] },
      { nodeOptions: '  --max-old-space-size=4096   --max-inlined-bytecode-size-cumulative=460 ', execArgv: [] },
    ]) {
      const { set, record } = collect();
      const others = V8_FLAGS.filter((flag) => !flag.startsWith('--max-inlined-bytecode-size-cumulative='));
      expect(applyV8Flags({ ...env, set: record })).toEqual(others);
      expect(set).toEqual(others);
    }
  });

  it('sets neither flag when the user gave both', () => {
    const { set, record } = collect();
    expect(applyV8Flags({ nodeOptions: '--interrupt-budget=66000', execArgv: ['--max-inlined-bytecode-size-cumulative=300'], set: record })).toEqual([]);
    expect(set).toEqual([]);
  });
});
