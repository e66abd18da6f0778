/**
 * Where a node stands in power-IRP handling, read from the conditions and `case` labels that enclose it:
 * handling IRP_MN_SET_POWER, for a system or a device power state, going down (sleep, hibernate, shutdown, D1–D3)
 * or up (PowerSystemWorking, D0). Functions called from such a region, and completion routines registered in it,
 * are in the same context.
 *
 * It reads the source's own tests (`Stack->MinorFunction == IRP_MN_SET_POWER`, `case IRP_MN_SET_POWER:`,
 * `Stack->Parameters.Power.State.SystemState > PowerSystemWorking`, `NewState.DeviceState == PowerDeviceD0`);
 * a driver that decides the direction elsewhere (in a table, a helper's return value) is not followed.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import type { FunctionDefinition } from './file-model.js';
import type { TraceStep } from './irql-domain.js';
import type { Program } from './program.js';
import { callArguments, enclosingCases, enclosingConditions } from './syntax.js';

export type PowerDirection = 'down' | 'up';

export interface PowerContext {
  readonly setPower: boolean;
  readonly direction?: PowerDirection;
  readonly kind?: 'system' | 'device';
  /** The tests that establish it, outermost first. */
  readonly steps: readonly TraceStep[];
}

const DOWN_STATES = /\b(?:PowerSystemSleeping[123]|PowerSystemHibernate|PowerSystemShutdown|PowerDeviceD[123])\b/;
const UP_STATES = /\b(?:PowerSystemWorking|PowerDeviceD0)\b/;
/** A body that mentions none of these cannot establish a power context for its callees. */
const MENTIONS_POWER = /IRP_MN_SET_POWER|PowerSystemWorking|PowerDeviceD0/;

/** Completion-routine registrations: the routine runs in the same context, after the lower driver. */
const COMPLETION_ROUTINE_ARGUMENT: Readonly<Record<string, number>> = { IoSetCompletionRoutine: 1, IoSetCompletionRoutineEx: 2 };

function normalized(text: string): string {
  return text.replace(/\s+/g, '');
}

/** What one condition says when it holds (`whenTrue`) or not. */
function factsOf(condition: string, whenTrue: boolean): Partial<PowerContext> {
  const c = normalized(condition);
  const out: { setPower?: boolean; direction?: PowerDirection; kind?: 'system' | 'device' } = {};
  if (/==IRP_MN_SET_POWER|IRP_MN_SET_POWER==/.test(c) && whenTrue) out.setPower = true;
  if (/SystemState|PowerSystem/.test(c)) out.kind = 'system';
  else if (/DeviceState|PowerDevice/.test(c)) out.kind = 'device';
  let direction: PowerDirection | undefined;
  // `> PowerSystemWorking` / `!= PowerSystemWorking` / `!= PowerDeviceD0` / `> PowerDeviceD0`: going down.
  if (/(?:>|!=)(?:PowerSystemWorking|PowerDeviceD0)\b/.test(c) || /\b(?:PowerSystemWorking|PowerDeviceD0)(?:<|!=)/.test(c)) direction = 'down';
  else if (/(?:==|<=)(?:PowerSystemWorking|PowerDeviceD0)\b/.test(c) || /\b(?:PowerSystemWorking|PowerDeviceD0)(?:==|>=)/.test(c)) direction = 'up';
  else if (/==/.test(c) && DOWN_STATES.test(c)) direction = 'down';
  else if (/==/.test(c) && UP_STATES.test(c)) direction = 'up';
  if (direction && !whenTrue) direction = direction === 'down' ? 'up' : 'down';
  if (direction) out.direction = direction;
  return out;
}

function stepAt(fn: FunctionDefinition, node: SyntaxNode, message: string): TraceStep {
  return { message, source: fn.source, start: node.startIndex, end: node.endIndex };
}

/** The context that the enclosing conditions and `case` labels of `node` (inside `fn`) establish. */
function ownContext(node: SyntaxNode, fn: FunctionDefinition): PowerContext {
  // Outermost first, so that an inner test of the direction overrides an outer one.
  const tests: { at: number; apply: () => void }[] = [];
  let setPower = false;
  let direction: PowerDirection | undefined;
  let kind: 'system' | 'device' | undefined;
  const steps: TraceStep[] = [];
  for (const { values } of enclosingCases(node)) {
    if (!values?.length) continue;
    const own = values[values.length - 1];
    if (values.some((v) => v.text.trim() === 'IRP_MN_SET_POWER')) {
      tests.push({ at: own.startIndex, apply: () => ((setPower = true), steps.push(stepAt(fn, own, 'handling IRP_MN_SET_POWER'))) });
      continue;
    }
    const directions = new Set(values.map((v) => factsOf(`x==${v.text}`, true).direction));
    if (directions.size !== 1 || !(DOWN_STATES.test(own.text) || UP_STATES.test(own.text))) continue;
    tests.push({
      at: own.startIndex,
      apply: () => {
        const f = factsOf(`x==${own.text}`, true);
        direction = f.direction ?? direction;
        kind = f.kind ?? kind;
        steps.push(stepAt(fn, own, `case ${own.text.trim()}`));
      },
    });
  }
  for (const { condition, whenTrue } of enclosingConditions(node)) {
    const f = factsOf(condition.text, whenTrue);
    if (!f.setPower && !f.direction) continue;
    tests.push({
      at: condition.startIndex,
      apply: () => {
        if (f.setPower) setPower = true;
        if (f.kind) kind = f.kind;
        if (f.direction) direction = f.direction;
        steps.push(stepAt(fn, condition, `${whenTrue ? 'where' : 'where not'} ${normalized(condition.text).replace(/^\((.*)\)$/, '$1')}`));
      },
    });
  }
  tests.sort((a, b) => a.at - b.at).forEach((t) => t.apply());
  return { setPower, direction, kind, steps };
}

const inheritedByProgram = new WeakMap<Program, Map<FunctionDefinition, PowerContext>>();

/**
 * Functions entered in a power context because a region of another function calls them (or registers them as
 * a completion routine). Computed once per program.
 */
function inheritedContexts(program: Program): Map<FunctionDefinition, PowerContext> {
  let map = inheritedByProgram.get(program);
  if (map) return map;
  map = new Map();
  inheritedByProgram.set(program, map);
  for (const fn of program.definitions()) {
    if (!MENTIONS_POWER.test(fn.source.text.slice(fn.body.startIndex, fn.body.endIndex))) continue;
    const file = program.fileModel(fn.source.filePath)!;
    for (const node of fn.cfg.nodes) {
      for (const call of node.calls) {
        const own = ownContext(call, fn);
        if (!own.direction && !own.setPower) continue;
        const callee = program.resolveCall(file, call);
        const targets: FunctionDefinition[] = callee ? [callee] : [];
        const routineArgument = COMPLETION_ROUTINE_ARGUMENT[program.calleeName(call) ?? ''];
        if (routineArgument !== undefined) {
          const arg = callArguments(call)[routineArgument];
          const routine = arg ? program.definitionNamed(arg.text.replace(/^&/, '').trim(), file) : undefined;
          if (routine) targets.push(routine);
        }
        for (const target of targets) {
          const how = target === callee ? `${fn.name} calls ${target.name}` : `${fn.name} sets ${target.name} as the IRP's completion routine`;
          for (const reached of program.reachableFrom(target).keys()) {
            if (reached === fn || map.has(reached)) continue;
            map.set(reached, { ...own, steps: [...own.steps, stepAt(fn, call, how)] });
          }
        }
      }
    }
  }
  return map;
}

/**
 * The power context of a node: its own enclosing tests, together with the context its function is entered in.
 * Undefined unless the node is (transitively) in IRP_MN_SET_POWER handling.
 */
export function powerContextAt(program: Program, node: SyntaxNode): PowerContext | undefined {
  const fn = program.functionContaining(node);
  if (!fn) return undefined;
  const own = ownContext(node, fn);
  const inherited = inheritedContexts(program).get(fn);
  const setPower = own.setPower || (inherited?.setPower ?? false);
  if (!setPower) return undefined;
  return {
    setPower,
    direction: own.direction ?? inherited?.direction,
    kind: own.direction ? own.kind : (inherited?.kind ?? own.kind),
    steps: [...(inherited?.steps ?? []), ...own.steps],
  };
}
