/**
 * Mutation fuzzing of the whole pipeline (front end, model, every rule): driver sources from our own fixtures,
 * mutated at random (deleted and duplicated ranges, stray braces and parentheses, truncation, junk bytes), must
 * never crash, hang or lose the other files of the run. A short budget runs in CI; set DDI_FUZZ_ITERATIONS for a
 * long run (e.g. 20000).
 */
import { Linter, type ResolvedConfig, type RuleEntry } from '@ddi-lint/core';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PLUGINS } from '../src/config/plugins.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ITERATIONS = Number(process.env.DDI_FUZZ_ITERATIONS ?? 150);

function cFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) cFiles(path, out);
    else if (/\.(c|h|cpp)$/.test(name)) out.push(path);
  }
  return out;
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its iteration number. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK = ['{', '}', '(', ')', ';', '#if 0\n', '#endif\n', '/*', '*/', '"', "'", '\\\n', '__try {', '} __finally {', 'KeAcquireSpinLock(&l, &o);', '\u0000', '\uFFFD', '_IRQL_requires_max_(', 'goto out;', 'out:'];

function mutate(text: string, random: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(random() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (t.length + 1));
    const len = Math.floor(random() * 200);
    switch (Math.floor(random() * 5)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + len);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      case 2:
        t = t.slice(0, at) + JUNK[Math.floor(random() * JUNK.length)] + t.slice(at);
        break;
      case 3:
        t = t.slice(0, at);
        break;
      default:
        t = t.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x2fff)) + t.slice(at);
    }
  }
  return t;
}

describe('fuzzing the pipeline', () => {
  it(`${ITERATIONS} mutated driver sources: no crash, a result for every file`, () => {
    const sources = [...cFiles(join(ROOT, 'examples')), ...cFiles(join(ROOT, 'packages/plugin-wdm/test/irql-scenarios'))].map((p) => ({
      name: p.slice(ROOT.length + 1),
      text: readFileSync(p, 'utf8'),
    }));
    const rules: Record<string, RuleEntry> = {};
    for (const [name, plugin] of Object.entries(BUNDLED_PLUGINS)) for (const id of Object.keys(plugin.rules)) rules[`${name}/${id}`] = 'error';
    const config: ResolvedConfig = {
      rules: Object.fromEntries(Object.keys(rules).map((id) => [id, [2] as [2]])),
      settings: { irql: { reportAssumed: true } },
      plugins: BUNDLED_PLUGINS,
    };
    const linter = new Linter();
    for (let i = 0; i < ITERATIONS; i++) {
      const random = prng(i + 1);
      // A small program of two or three mutated files, so the cross-file analysis is fuzzed too.
      const count = 2 + Math.floor(random() * 2);
      const inputs = Array.from({ length: count }, (_, k) => {
        const source = sources[Math.floor(random() * sources.length)];
        return { filePath: `fuzz${i}/${k}-${source.name.replace(/[\\/]/g, '_')}`, text: mutate(source.text, random) };
      });
      let results;
      try {
        results = linter.lintFiles(inputs, () => config, { fix: true });
      } catch (error) {
        throw new Error(`iteration ${i} (replay with prng(${i + 1})): ${(error as Error).stack}`);
      }
      expect(results.map((r) => r.filePath)).toEqual(inputs.map((x) => x.filePath));
      const crashes = results.flatMap((r) => r.messages.filter((m) => m.fatal && m.ruleId));
      expect(crashes.map((m) => `iteration ${i}: ${m.message}`)).toEqual([]);
    }
  }, 120_000);
});
