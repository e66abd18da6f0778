/**
 * V8 flags the `ddi-lint` command sets for its own process (and so for its worker threads: V8's flags are
 * process-wide) before any analysis code runs.
 *
 * Less inlining in the optimizing compiler. A run over a large tree compiles about 1,800 functions, and with V8's
 * default inlining budget that compilation took 12.8 s of CPU in a 28 s one-thread run over Windows-driver-samples,
 * on the compiler's background threads: time the other worker cannot have on a 2-core machine, and spent again in
 * every worker (each thread is its own isolate). With at most 100 bytes of bytecode inlined into a function, the
 * compilations took 6.0 s; in four alternating pairs of runs, `--jobs 2` took 18.0–21.2 s against 22.7–26.4 s with
 * V8's default of 920, with about a quarter less CPU, and the same findings
 * (docs/benchmarks/windows-driver-samples-history.md).
 *
 * Later tier-up. V8 optimizes a function once it has run for a budget of bytecode (`--interrupt-budget`, 66 KB by
 * default); the analysis's larger functions are optimized before they have seen all the shapes of the trees and
 * facts they meet, and then deoptimized and compiled again (in a one-worker run over the same corpus: 1,293
 * compilations taking 7.6 s of CPU, 256 deoptimizations; `analyzeFunction`, `transfer` or `blankAnnotations`
 * compiled 10–18 times each). With four times the budget: 782 compilations, 3.9 s, 130 deoptimizations, and in three
 * alternating rounds `--jobs 2` took 10.5–11.2 s against 11.6 s, `--jobs 1` 14.2–14.8 s against 14.6–14.7 s.
 */
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=100', '--interrupt-budget=270336'];

export interface V8FlagsEnvironment {
  /** `NODE_OPTIONS` (node refuses these two flags there today; read in case a later node accepts them). */
  readonly nodeOptions?: string;
  /** The flags node itself was started with (`process.execArgv`). */
  readonly execArgv?: readonly string[];
  readonly set?: (flag: string) => void;
}

/**
 * Set `V8_FLAGS`, except those the user already gave node (on its command line or in `NODE_OPTIONS`): theirs
 * stand. Returns the flags set.
 */
export function applyV8Flags({
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  execArgv = process.execArgv,
  set = setFlagsFromString,
}: V8FlagsEnvironment = {}): string[] {
  const given = [...nodeOptions.split(/\s+/), ...execArgv].filter(Boolean).map(flagName);
  const applied: string[] = [];
  for (const flag of V8_FLAGS) {
    if (given.includes(flagName(flag))) continue;
    set(flag);
    applied.push(flag);
  }
  return applied;
}

/** `--max-inlined-bytecode-size-cumulative` of `--max_inlined_bytecode_size_cumulative=300` (V8 takes both spellings). */
function flagName(flag: string): string {
  return flag.split('=')[0]!.replace(/_/g, '-');
}
