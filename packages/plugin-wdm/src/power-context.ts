/**
 * Where a node stands in power-IRP handling, read from the conditions and `case` labels that enclose it:
 * handling IRP_MN_SET_POWER, for a system or a device power state, going down (sleep, hibernate, shutdown, D1–D3)
 * or up (PowerSystemWorking, D0). Functions called from such a region, and completion routines registered in it,
 * are in the same context. Used by PowerDownAllocate and PowerUpFail.
 *
 * It reads the source's own tests (`Stack->MinorFunction == IRP_MN_SET_POWER`, `case IRP_MN_SET_POWER:`,
 * `Stack->Parameters.Power.State.SystemState > PowerSystemWorking`, `NewState.DeviceState == PowerDeviceD0`);
 * a driver that decides the direction elsewhere (in a table, a helper's return value) is not followed.
 */
import type { FunctionDefinition, RuleContext, SyntaxNode, TraceStep } from '@ddi-lint/core';

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

function normalized(text: string): string {
  return text.replace(/\s+/g, '');
}

/** What one condition says when it holds (`whenTrue`) or not. */
function factsOf(condition: string, whenTrue: boolean): Partial<PowerContext> {
  const c = normalized(condition);
  const out: { setPower?: boolean; direction?: PowerDirection; kind?: 'system' | 'device' } = {};
  if (/IRP_MN_SET_POWER/.test(c) && /==IRP_MN_SET_POWER|IRP_MN_SET_POWER==/.test(c) && whenTrue) out.setPower = true;
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

function stepAt(context: RuleContext<readonly unknown[]>, node: SyntaxNode, message: string): TraceStep {
  return { message, source: context.sourceCode.parsed, start: node.startIndex, end: node.endIndex };
}

/** The context the enclosing conditions of `node` (inside its function) establish. */
function ownContext(context: RuleContext<readonly unknown[]>, node: SyntaxNode, fn: FunctionDefinition): PowerContext {
  let setPower = false;
  let direction: PowerDirection | undefined;
  let kind: 'system' | 'device' | undefined;
  const steps: TraceStep[] = [];
  const chain: SyntaxNode[] = [];
  for (let n: SyntaxNode | null = node; n && n.id !== fn.body.id; n = n.parent) chain.push(n);
  chain.reverse();
  for (let i = 0; i < chain.length; i++) {
    const n = chain[i];
    const child = chain[i + 1];
    if (n.type === 'case_statement') {
      const value = n.childForFieldName('value');
      if (value && /^IRP_MN_SET_POWER$/.test(value.text.trim())) {
        setPower = true;
        steps.push(stepAt(context, value, 'handling IRP_MN_SET_POWER'));
      } else if (value && (DOWN_STATES.test(value.text) || UP_STATES.test(value.text))) {
        const f = factsOf(`x==${value.text}`, true);
        direction = f.direction ?? direction;
        kind = f.kind ?? kind;
        steps.push(stepAt(context, value, `case ${value.text.trim()}`));
      }
    }
    if ((n.type === 'if_statement' || n.type === 'conditional_expression') && child) {
      const condition = n.childForFieldName('condition');
      if (!condition || child.id === condition.id) continue;
      const alternative = n.childForFieldName('alternative');
      const whenTrue = !(alternative && (child.id === alternative.id || (alternative.type === 'else_clause' && child.id === alternative.id)));
      const f = factsOf(condition.text, whenTrue);
      if (f.setPower) setPower = true;
      if (f.kind) kind = f.kind;
      if (f.direction) direction = f.direction;
      if (f.setPower || f.direction) {
        steps.push(stepAt(context, condition, `${whenTrue ? 'where' : 'where not'} ${normalized(condition.text).replace(/^\((.*)\)$/, '$1')}`));
      }
    }
  }
  return { setPower, direction, kind, steps };
}

const cache = new WeakMap<object, Map<FunctionDefinition, PowerContext>>();

/**
 * Functions entered in a power context because a region of another function calls them (or registers them as
 * a completion routine). Computed once per program.
 */
function inheritedContexts(context: RuleContext<readonly unknown[]>): Map<FunctionDefinition, PowerContext> {
  const program = context.program;
  let map = cache.get(program);
  if (map) return map;
  map = new Map();
  cache.set(program, map);
  for (const fn of program.definitions()) {
    if (!/IRP_MN_SET_POWER|PowerSystemWorking|PowerDeviceD0/.test(fn.source.text.slice(fn.body.startIndex, fn.body.endIndex))) continue;
    for (const node of fn.cfg.nodes) {
      for (const call of node.calls) {
        const own = ownContextFor(context, call, fn);
        if (!own.direction && !own.setPower) continue;
        const name = program.calleeName(call);
        const targets: FunctionDefinition[] = [];
        const file = program.fileModel(fn.source.filePath)!;
        const callee = program.resolveCall(file, call);
        if (callee) targets.push(callee);
        // IoSetCompletionRoutine(Irp, Routine, …): the routine runs in the same context, after the lower driver.
        if (name === 'IoSetCompletionRoutine' || name === 'IoSetCompletionRoutineEx') {
          const arg = context.argument(call, name === 'IoSetCompletionRoutine' ? 1 : 2);
          const routine = arg ? program.definitionNamed(arg.text.replace(/^&/, '').trim(), file) : undefined;
          if (routine) targets.push(routine);
        }
        for (const target of targets) {
          const how = target === callee ? `${fn.name} calls ${target.name}` : `${fn.name} sets ${target.name} as the IRP's completion routine`;
          for (const reached of program.reachableFrom(target).keys()) {
            if (reached === fn || map.has(reached)) continue;
            map.set(reached, { ...own, steps: [...own.steps, { message: how, source: fn.source, start: call.startIndex, end: call.endIndex }] });
          }
        }
      }
    }
  }
  return map;
}

function ownContextFor(context: RuleContext<readonly unknown[]>, node: SyntaxNode, fn: FunctionDefinition): PowerContext {
  // The step locations must be in the file of `fn`, which may not be the file being linted.
  const own = ownContext(context, node, fn);
  return { ...own, steps: own.steps.map((s) => ({ ...s, source: fn.source })) };
}

/**
 * The power context of a node: its own enclosing tests, together with the context its function is entered in.
 * Undefined unless the node is (transitively) in IRP_MN_SET_POWER handling.
 */
export function powerContextOf(context: RuleContext<readonly unknown[]>, node: SyntaxNode): PowerContext | undefined {
  const fn = context.functionAt(node);
  if (!fn) return undefined;
  const own = ownContextFor(context, node, fn);
  const inherited = inheritedContexts(context).get(fn);
  const setPower = own.setPower || (inherited?.setPower ?? false);
  if (!setPower) return undefined;
  return {
    setPower,
    direction: own.direction ?? inherited?.direction,
    kind: own.direction ? own.kind : (inherited?.kind ?? own.kind),
    steps: [...(inherited?.steps ?? []), ...own.steps],
  };
}
