/**
 * Where pool memory goes: which allocation calls a pointer expression may hold, and, along each function's CFG,
 * whether an allocation's result is NULL-checked before use and zeroed before it reaches a user buffer.
 *
 * Places are named by their normalised text (`p`, `ext->Buffer`, `ctx.Table`), as the IRQL analysis names saved
 * IRQLs. Assumptions and limits:
 * - `allocationsReaching` is flow-insensitive: every assignment to a place in the function, every assignment to a
 *   structure field of that name anywhere in the run, the returns of project functions, and — for a parameter —
 *   the arguments at every call site in the run (three levels deep at most).
 * - The per-function check analysis treats any condition that mentions the place (`if (p)`, `p == NULL`,
 *   `!p`, `p && …`, `NT_ASSERT(p)`) as a NULL check, and any write into the place (`RtlZeroMemory(p, …)`,
 *   `memset(p, 0, …)`, a copy into it) as initialising it entirely.
 * - A destination is user-visible when it is `Irp->UserBuffer`, `Irp->AssociatedIrp.SystemBuffer`, the system
 *   address of `Irp->MdlAddress`, or the buffer `WdfRequestRetrieveOutputBuffer` returned — directly or through a
 *   local assigned from one of them.
 */
import type { SyntaxNode } from '../frontend/parser.js';
import { type AllocatorSpec, POOL_FLAG_VALUES, POOL_TYPE_MODIFIERS, isPagedPoolFlags, isPagedPoolType, lookupAllocator } from '../knowledge/pool.js';
import { unwrapParens } from './cfg.js';
import { forEachNode } from '../frontend/syntax-tree.js';
import type { FunctionDefinition } from './file-model.js';
import { callArguments as argumentsOf, calleeName } from './syntax.js';

export interface AllocationSite {
  readonly call: SyntaxNode;
  readonly spec: AllocatorSpec;
  readonly definition: FunctionDefinition | undefined;
  /** Paged memory: true/false when the pool argument is a constant. */
  readonly paged?: boolean;
  readonly tag?: bigint;
  /** The allocator returns zeroed memory. */
  readonly zeroes: boolean;
  /** The allocator can return NULL (it neither raises on failure nor must succeed). */
  readonly canFail: boolean;
}

export interface UncheckedUse {
  readonly use: SyntaxNode;
  readonly place: string;
  readonly site: AllocationSite;
  readonly kind: 'dereference' | 'argument';
}

export interface UninitializedCopy {
  readonly call: SyntaxNode;
  readonly place: string;
  readonly destination: string;
  readonly site: AllocationSite;
}

export interface AllocationFindings {
  readonly uncheckedUses: readonly UncheckedUse[];
  readonly uninitializedCopies: readonly UninitializedCopy[];
}

/** What the flow needs from the program. */
export interface AllocationFlowHost {
  evaluate(def: FunctionDefinition | undefined, expr: SyntaxNode): bigint | undefined;
  functionContaining(node: SyntaxNode): FunctionDefinition | undefined;
  resolveCallee(call: SyntaxNode): FunctionDefinition | undefined;
  definitions(): readonly FunctionDefinition[];
  /** Every `x->Field = value` by field name, in the files nearest to `near` (the same driver). */
  fieldAssignments(field: string, near?: SyntaxNode): readonly SyntaxNode[];
  callSitesOf(def: FunctionDefinition): readonly { readonly caller: FunctionDefinition; readonly call: SyntaxNode }[];
}

export function placeOf(node: SyntaxNode): string {
  let n = unwrapParens(node);
  while (n.type === 'cast_expression') n = unwrapParens(n.childForFieldName('value') ?? n);
  return n.text.replace(/\s+/g, '');
}

/** The allocator call an expression is, casts and parentheses aside. */
function allocatorCallIn(expr: SyntaxNode): SyntaxNode | undefined {
  let n = unwrapParens(expr);
  while (n.type === 'cast_expression') n = unwrapParens(n.childForFieldName('value') ?? n);
  if (n.type !== 'call_expression') return undefined;
  const name = calleeName(n);
  return name && lookupAllocator(name) ? n : undefined;
}

const ZEROING = new Set(['RtlZeroMemory', 'RtlSecureZeroMemory', 'memset', 'RtlFillMemory', 'RtlCopyMemory', 'memcpy', 'RtlMoveMemory', 'memmove', 'memcpy_s', 'RtlStringCbCopyW', 'RtlStringCchCopyW']);
const COPIES = new Set(['RtlCopyMemory', 'memcpy', 'RtlMoveMemory', 'memmove', 'memcpy_s']);
/** Calls whose arguments are not uses of the pointed-to memory (assertions, tracing). */
const NON_USES = /^(?:ASSERT|NT_ASSERT|NT_VERIFY|NT_ASSERTMSG|UNREFERENCED_PARAMETER|DbgPrint\w*|KdPrint\w*|KdPrintEx|Trace\w*|DoTrace\w*|WPP_\w*|_Analysis_assume_|ExFreePool\w*)$/;
const USER_BUFFER = /(?:->|\.)UserBuffer$|(?:->|\.)AssociatedIrp\.SystemBuffer$/;

export class AllocationFlow {
  private readonly siteCache = new Map<number, AllocationSite>();
  private readonly assignmentCache = new Map<FunctionDefinition, Map<string, SyntaxNode[]>>();
  private readonly returnCache = new Map<FunctionDefinition, SyntaxNode[]>();
  private readonly findingsCache = new Map<FunctionDefinition, AllocationFindings>();

  constructor(private readonly host: AllocationFlowHost) {}

  /** The allocation an allocator call makes, with its pool, tag and failure behaviour resolved. */
  site(call: SyntaxNode): AllocationSite | undefined {
    const cached = this.siteCache.get(call.id);
    if (cached) return cached;
    const name = calleeName(call);
    const spec = name ? lookupAllocator(name) : undefined;
    if (!spec) return undefined;
    const def = this.host.functionContaining(call);
    const args = argumentsOf(call);
    const pool = args[spec.pool.arg] ? this.host.evaluate(def, args[spec.pool.arg]) : undefined;
    const tag = spec.tagArg !== undefined && args[spec.tagArg] ? this.host.evaluate(def, args[spec.tagArg]) : undefined;
    let paged: boolean | undefined;
    let zeroes: boolean;
    let canFail: boolean;
    if (spec.pool.kind === 'flags') {
      paged = pool === undefined ? undefined : isPagedPoolFlags(pool);
      zeroes = pool === undefined ? true : (pool & POOL_FLAG_VALUES.POOL_FLAG_UNINITIALIZED) === 0n;
      canFail = pool === undefined ? true : (pool & POOL_FLAG_VALUES.POOL_FLAG_RAISE_ON_FAILURE) === 0n;
    } else {
      paged = pool === undefined ? undefined : isPagedPoolType(pool);
      const zeroWrapper = /Zero$/.test(spec.name);
      zeroes = zeroWrapper || (pool !== undefined && (pool & BigInt(POOL_TYPE_MODIFIERS.POOL_ZERO_ALLOCATION)) !== 0n);
      const raises = pool !== undefined && (pool & BigInt(POOL_TYPE_MODIFIERS.POOL_RAISE_IF_ALLOCATION_FAILURE)) !== 0n;
      const quotaRaises = spec.quota && !/Zero$|Uninitialized$/.test(spec.name) && (pool === undefined || (pool & BigInt(POOL_TYPE_MODIFIERS.POOL_QUOTA_FAIL_INSTEAD_OF_RAISE)) === 0n);
      const base = pool === undefined ? undefined : pool & ~BigInt(8 | 16 | 256 | 1024);
      const mustSucceed = base !== undefined && [2n, 6n, 34n, 38n].includes(base);
      canFail = !raises && !quotaRaises && !mustSucceed;
    }
    const site: AllocationSite = { call, spec, definition: def, paged, tag, zeroes, canFail };
    this.siteCache.set(call.id, site);
    return site;
  }

  private assignments(def: FunctionDefinition): Map<string, SyntaxNode[]> {
    let map = this.assignmentCache.get(def);
    if (!map) {
      map = new Map();
      const add = (place: string, value: SyntaxNode) => {
        const list = map!.get(place);
        if (list) list.push(value);
        else map!.set(place, [value]);
      };
      forEachNode(def.body, (n) => {
        if (n.type === 'assignment_expression' && n.child(1)?.type === '=') {
          const left = n.childForFieldName('left');
          const right = n.childForFieldName('right');
          if (left && right) add(placeOf(left), right);
        } else if (n.type === 'init_declarator') {
          const d = n.childForFieldName('declarator');
          const v = n.childForFieldName('value');
          if (d && v) add(placeOf(d).replace(/^\*+/, ''), v);
        }
      }, ASSIGNMENT_TYPES);
      this.assignmentCache.set(def, map);
    }
    return map;
  }

  private returns(def: FunctionDefinition): SyntaxNode[] {
    let list = this.returnCache.get(def);
    if (!list) {
      list = [];
      forEachNode(def.body, (n) => {
        if (n.namedChildren[0]) list!.push(n.namedChildren[0]);
      }, RETURN_TYPES);
      this.returnCache.set(def, list);
    }
    return list;
  }

  /** The allocations an expression (in `def`) may hold. */
  allocationsReaching(expr: SyntaxNode, def = this.host.functionContaining(expr)): AllocationSite[] {
    const out = new Map<number, AllocationSite>();
    const seen = new Set<string>();
    const visit = (e: SyntaxNode, fn: FunctionDefinition | undefined, depth: number): void => {
      const alloc = allocatorCallIn(e);
      if (alloc) {
        const site = this.site(alloc);
        if (site) out.set(alloc.id, site);
        return;
      }
      if (depth > 3 || !fn) return;
      let n = unwrapParens(e);
      while (n.type === 'cast_expression') n = unwrapParens(n.childForFieldName('value') ?? n);
      if (n.type === 'call_expression') {
        const callee = this.host.resolveCallee(n);
        if (callee) for (const r of this.returns(callee)) visit(r, callee, depth + 1);
        return;
      }
      const place = placeOf(n);
      const key = `${fn.name}:${place}`;
      if (seen.has(key)) return;
      seen.add(key);
      for (const value of this.assignments(fn).get(place) ?? []) visit(value, fn, depth + 1);
      const field = /(?:->|\.)(\w+)$/.exec(place)?.[1];
      if (field) for (const value of this.host.fieldAssignments(field, fn.body)) visit(value, this.host.functionContaining(value), depth + 1);
      const param = fn.params.indexOf(place);
      if (param >= 0) {
        for (const site of this.host.callSitesOf(fn)) {
          const arg = argumentsOf(site.call)[param];
          if (arg) visit(arg, site.caller, depth + 1);
        }
      }
    };
    visit(expr, def, 0);
    return [...out.values()];
  }

  /** NULL-check and zeroing findings along one function's CFG. */
  findings(def: FunctionDefinition): AllocationFindings {
    const cached = this.findingsCache.get(def);
    if (cached) return cached;
    // Most functions allocate nothing: skip them without walking their bodies.
    const allocates = def.cfg.nodes.some((n) => n.calls.some((c) => allocatorCallIn(c) !== undefined));
    const result = allocates ? analyzeChecks(def, this) : { uncheckedUses: [], uninitializedCopies: [] };
    this.findingsCache.set(def, result);
    return result;
  }
}

interface Tracked {
  readonly site: AllocationSite;
  readonly checked: boolean;
  readonly initialized: boolean;
}

type CheckState = ReadonlyMap<string, Tracked>;

function joinCheck(a: CheckState, b: CheckState): CheckState {
  const out = new Map(a);
  for (const [k, v] of b) {
    const prev = out.get(k);
    out.set(k, prev ? { site: prev.site, checked: prev.checked && v.checked, initialized: prev.initialized && v.initialized } : v);
  }
  return out;
}

function checkKey(s: CheckState): string {
  return [...s].map(([k, v]) => `${k}:${v.site.call.id}${v.checked ? 'c' : ''}${v.initialized ? 'i' : ''}`).sort().join(',');
}

function analyzeChecks(def: FunctionDefinition, flow: AllocationFlow): AllocationFindings {
  const cfg = def.cfg;
  const userPlaces = userVisiblePlaces(def);
  const uses = new Map<string, UncheckedUse>();
  const copies = new Map<string, UninitializedCopy>();
  const inStates = new Map<number, CheckState>([[cfg.entry.id, new Map()]]);
  const keys = new Map<number, string>([[cfg.entry.id, '']]);
  const work = [cfg.entry];
  let budget = cfg.nodes.length * 20 + 100;
  while (work.length && budget-- > 0) {
    const node = work.shift()!;
    let state = new Map(inStates.get(node.id)!);
    if (node.ast) state = transferChecks(node.ast, node.kind === 'condition', state, flow, userPlaces, uses, copies);
    for (const edge of node.succ) {
      const prev = inStates.get(edge.to.id);
      const next = prev ? joinCheck(prev, state) : state;
      const key = checkKey(next);
      if (key === keys.get(edge.to.id)) continue;
      inStates.set(edge.to.id, next);
      keys.set(edge.to.id, key);
      if (!work.includes(edge.to)) work.push(edge.to);
    }
  }
  return { uncheckedUses: [...uses.values()], uninitializedCopies: [...copies.values()] };
}

/** Node types each walk looks at (a typed walk materialises only those nodes). */
const ASSIGNMENT_TYPES: ReadonlySet<string> = new Set(['assignment_expression', 'init_declarator']);
const RETURN_TYPES: ReadonlySet<string> = new Set(['return_statement']);
const USER_PLACE_TYPES: ReadonlySet<string> = new Set(['call_expression', 'assignment_expression', 'init_declarator']);
const PLACE_TYPES: ReadonlySet<string> = new Set(['identifier', 'field_expression']);

/** Places in the function that hold a user-visible buffer. */
function userVisiblePlaces(def: FunctionDefinition): Set<string> {
  const places = new Set<string>();
  forEachNode(def.body, (n) => {
    if (n.type === 'call_expression' && calleeName(n) === 'WdfRequestRetrieveOutputBuffer') {
      const out = argumentsOf(n)[2];
      if (out) places.add(placeOf(out).replace(/^&/, ''));
    }
    let target: SyntaxNode | null = null;
    let value: SyntaxNode | null = null;
    if (n.type === 'assignment_expression') {
      target = n.childForFieldName('left');
      value = n.childForFieldName('right');
    } else if (n.type === 'init_declarator') {
      target = n.childForFieldName('declarator');
      value = n.childForFieldName('value');
    }
    if (target && value) {
      const v = placeOf(value);
      if (USER_BUFFER.test(v) || /^MmGetSystemAddressForMdlSafe\(\w+(?:->|\.)MdlAddress/.test(v)) places.add(placeOf(target).replace(/^\*+/, ''));
    }
  }, USER_PLACE_TYPES);
  return places;
}

function isUserVisible(place: string, userPlaces: ReadonlySet<string>): boolean {
  return USER_BUFFER.test(place) || userPlaces.has(place);
}

function transferChecks(
  ast: SyntaxNode,
  isCondition: boolean,
  input: Map<string, Tracked>,
  flow: AllocationFlow,
  userPlaces: ReadonlySet<string>,
  uses: Map<string, UncheckedUse>,
  copies: Map<string, UninitializedCopy>,
): Map<string, Tracked> {
  const state = input;
  // Copies of a pointer (`ext->Foo = p`) share what is learnt about any of them.
  const mark = (place: string, change: Partial<Tracked>) => {
    const t = state.get(place);
    if (!t) return;
    for (const [other, u] of state) if (u.site === t.site) state.set(other, { ...u, ...change });
  };
  const use = (node: SyntaxNode, place: string, kind: UncheckedUse['kind']) => {
    const t = state.get(place);
    if (!t || t.checked) return;
    const key = `${t.site.call.id}:${place}`;
    if (!uses.has(key)) uses.set(key, { use: node, place, site: t.site, kind });
  };
  // A condition mentioning a tracked place checks it.
  const checksIn = (n: SyntaxNode) => {
    forEachNode(n, (m) => {
      const p = placeOf(m);
      if (state.has(p)) mark(p, { checked: true });
    }, PLACE_TYPES);
  };
  const visit = (n: SyntaxNode): void => {
    switch (n.type) {
      case 'sizeof_expression':
        return; // not evaluated
      case 'conditional_expression': {
        const cond = n.childForFieldName('condition');
        if (cond) checksIn(cond);
        for (const c of n.namedChildren) if (c.id !== cond?.id) visit(c);
        return;
      }
      case 'binary_expression': {
        const op = n.child(1)?.type;
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (op === '&&' || op === '||') {
          if (left) {
            visit(left);
            checksIn(left);
          }
          if (right) visit(right);
          return;
        }
        if ((op === '==' || op === '!=') && left && right) {
          visit(left);
          visit(right);
          checksIn(n);
          return;
        }
        break;
      }
      case 'unary_expression':
        if (n.child(0)?.type === '!') {
          for (const c of n.namedChildren) visit(c);
          checksIn(n);
          return;
        }
        break;
      case 'assignment_expression': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (right) visit(right);
        if (left && n.child(1)?.type === '=') {
          const place = placeOf(left);
          assign(place, right);
          if (left.type !== 'identifier') visitLvalue(left);
          return;
        }
        if (left) visit(left);
        return;
      }
      case 'init_declarator': {
        const d = n.childForFieldName('declarator');
        const v = n.childForFieldName('value');
        if (v) visit(v);
        if (d) assign(placeOf(d).replace(/^\*+/, ''), v);
        return;
      }
      case 'field_expression': {
        const arg = n.childForFieldName('argument');
        if (arg && n.child(1)?.type === '->') use(n, placeOf(arg), 'dereference');
        break;
      }
      case 'subscript_expression': {
        const arg = n.childForFieldName('argument');
        if (arg) use(n, placeOf(arg), 'dereference');
        break;
      }
      case 'pointer_expression': {
        const arg = n.childForFieldName('argument');
        if (arg && n.child(0)?.type === '*') use(n, placeOf(arg), 'dereference');
        break;
      }
      case 'call_expression': {
        const name = calleeName(n) ?? '';
        const args = argumentsOf(n);
        for (const a of args) visit(a);
        const first = args[0] ? placeOf(args[0]) : undefined;
        const sourceArg = name === 'memcpy_s' ? args[2] : args[1];
        if (COPIES.has(name) && sourceArg) {
          const source = placeOf(sourceArg);
          const t = state.get(source);
          if (t && !t.initialized && first && isUserVisible(first, userPlaces)) {
            const key = `${t.site.call.id}:${n.id}`;
            if (!copies.has(key)) copies.set(key, { call: n, place: source, destination: args[0].text, site: t.site });
          }
        }
        if (!NON_USES.test(name)) {
          for (const a of args) {
            const p = placeOf(a);
            if (state.has(p)) use(a, p, 'argument');
          }
        }
        if (ZEROING.has(name) && first) mark(first, { initialized: true });
        if (/^(?:ASSERT|NT_ASSERT|NT_VERIFY)$/.test(name)) for (const a of args) checksIn(a);
        return;
      }
      default:
        break;
    }
    for (const c of n.namedChildren) visit(c);
  };
  const visitLvalue = (left: SyntaxNode) => {
    // `p->x = v` dereferences p; visiting the lvalue's own parts finds that.
    for (const c of left.namedChildren) visit(c);
    if (left.type === 'field_expression' || left.type === 'subscript_expression' || left.type === 'pointer_expression') {
      const arg = left.childForFieldName('argument');
      if (arg && !(left.type === 'field_expression' && left.child(1)?.type === '.')) use(left, placeOf(arg), 'dereference');
    }
  };
  const assign = (place: string, value: SyntaxNode | null) => {
    const alloc = value ? allocatorCallIn(value) : undefined;
    const site = alloc ? flow.site(alloc) : undefined;
    if (site && site.canFail) state.set(place, { site, checked: false, initialized: site.zeroes });
    else if (site) state.set(place, { site, checked: true, initialized: site.zeroes });
    else {
      state.delete(place);
      // A copy of a tracked pointer is tracked too (`q = p;`).
      const from = value ? placeOf(value) : undefined;
      const t = from ? state.get(from) : undefined;
      if (t) state.set(place, t);
    }
  };
  visit(ast);
  // Whatever a condition mentions, it checks (`if (p)`, `if (p->Count == 0)` after reporting the dereference).
  if (isCondition) checksIn(ast);
  return state;
}
