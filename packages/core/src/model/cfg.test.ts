import { describe, expect, it } from 'vitest';
import { type ParsedSource, type SyntaxNode, parseSource } from '../frontend/parser.js';
import { type Cfg, type CfgNode, callsIn } from './cfg.js';
import { type FunctionDefinition, buildFileModel } from './file-model.js';

interface Built {
  readonly parsed: ParsedSource;
  readonly def: FunctionDefinition;
  readonly cfg: Cfg;
}

function build(code: string, name?: string): Built {
  const parsed = parseSource('cfg.c', code);
  const model = buildFileModel(parsed);
  const def = name ? model.definitions.find((d) => d.name === name) : model.definitions[0];
  if (!def) throw new Error(`no function ${name ?? '#0'}`);
  return { parsed, def, cfg: def.cfg };
}

function calleeOf(call: SyntaxNode): string {
  return call.childForFieldName('function')?.text ?? '';
}

/** The CFG node that makes the (nth) call to `callee`. */
function callNode(cfg: Cfg, callee: string, nth = 0): CfgNode {
  const hits = cfg.nodes.filter((n) => n.calls.some((c) => calleeOf(c) === callee));
  const n = hits[nth];
  if (!n) throw new Error(`no CFG node calls ${callee} (#${nth}); calls: ${cfg.nodes.flatMap((x) => x.calls.map(calleeOf)).join(', ')}`);
  return n;
}

/** Is `to` reachable from `from` along successor edges (a node reaches itself)? */
function reaches(from: CfgNode, to: CfgNode): boolean {
  const seen = new Set<number>([from.id]);
  const work = [from];
  while (work.length) {
    const n = work.pop()!;
    if (n === to) return true;
    for (const e of n.succ) {
      if (!seen.has(e.to.id)) {
        seen.add(e.to.id);
        work.push(e.to);
      }
    }
  }
  return false;
}

/** Same, but never passing through `avoid`. */
function reachesAvoiding(from: CfgNode, to: CfgNode, avoid: CfgNode): boolean {
  const seen = new Set<number>([from.id, avoid.id]);
  const work = [from];
  while (work.length) {
    const n = work.pop()!;
    if (n === to) return true;
    for (const e of n.succ) {
      if (!seen.has(e.to.id)) {
        seen.add(e.to.id);
        work.push(e.to);
      }
    }
  }
  return false;
}

function reachable(b: Built, callee: string, nth = 0): boolean {
  return reaches(b.cfg.entry, callNode(b.cfg, callee, nth));
}

function reachesExit(b: Built, callee: string, nth = 0): boolean {
  return reaches(callNode(b.cfg, callee, nth), b.cfg.exit);
}

function flows(b: Built, fromCallee: string, toCallee: string): boolean {
  return reaches(callNode(b.cfg, fromCallee), callNode(b.cfg, toCallee));
}

/** The join node of a label. */
function labelNode(b: Built, label: string): CfgNode {
  const labeled = b.def.body
    .descendantsOfType('labeled_statement')
    .find((l) => l.childForFieldName('label')?.text === label);
  if (!labeled) throw new Error(`no label ${label}`);
  // The first CFG node lowered from the labeled statement; its predecessor join is the label.
  const inner = b.cfg.nodes.find((n) => n.ast && n.ast.startIndex >= labeled.startIndex && n.ast.endIndex <= labeled.endIndex)!;
  const edge = inner.pred.find((e) => e.from.kind === 'join');
  if (!edge) throw new Error(`label ${label} has no join`);
  return edge.from;
}

/** Callees made by the predecessors of a node (one string per predecessor; '' for non-call nodes). */
function predDescriptions(node: CfgNode): string[] {
  return node.pred.map((e) => e.from.ast?.text.replace(/\s+/g, ' ') ?? e.from.kind).sort();
}

function succNode(node: CfgNode, whenTrue: boolean): CfgNode {
  const e = node.succ.find((x) => x.guard?.whenTrue === whenTrue);
  if (!e) throw new Error(`no ${whenTrue} edge from ${node.ast?.text}`);
  return e.to;
}

function isWellFormed(cfg: Cfg): void {
  // Every edge is recorded at both ends, and node ids are indices.
  cfg.nodes.forEach((n, i) => {
    expect(n.id).toBe(i);
    for (const e of n.succ) {
      expect(e.from).toBe(n);
      expect(e.to.pred).toContain(e);
    }
    for (const e of n.pred) expect(e.from.succ).toContain(e);
  });
  expect(cfg.entry.kind).toBe('entry');
  expect(cfg.exit.kind).toBe('exit');
  expect(cfg.entry.pred).toEqual([]);
  expect(cfg.exit.succ).toEqual([]);
}

describe('straight-line code and calls', () => {
  const b = build(`
VOID F(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
    Ext->Value = ReadRegister(GetPort(Ext), 4);
    KeReleaseSpinLock(&Ext->Lock, old);
}`);

  it('chains statements from entry to exit', () => {
    isWellFormed(b.cfg);
    expect(reachable(b, 'KeAcquireSpinLock')).toBe(true);
    expect(flows(b, 'KeAcquireSpinLock', 'ReadRegister')).toBe(true);
    expect(flows(b, 'ReadRegister', 'KeReleaseSpinLock')).toBe(true);
    expect(flows(b, 'KeReleaseSpinLock', 'KeAcquireSpinLock')).toBe(false);
    expect(reachesExit(b, 'KeReleaseSpinLock')).toBe(true);
  });

  it('lists the calls of a statement in evaluation order, arguments first', () => {
    const n = callNode(b.cfg, 'ReadRegister');
    expect(n.calls.map(calleeOf)).toEqual(['GetPort', 'ReadRegister']);
    expect(n).toBe(callNode(b.cfg, 'GetPort'));
    expect(b.cfg.nodeOfCall(n.calls[0])).toBe(n);
  });

  it('nodeContaining finds the statement of an inner expression', () => {
    const id = b.def.body.descendantsOfType('field_expression').find((f) => f.text === 'Ext->Value')!;
    expect(b.cfg.nodeContaining(id)).toBe(callNode(b.cfg, 'ReadRegister'));
  });

  it('callsIn orders nested calls post-order', () => {
    const parsed = parseSource('c.c', 'void f(void) { a(b(c(), d()), e()); }');
    const stmt = parsed.root.descendantsOfType('expression_statement')[0];
    expect(callsIn(stmt).map(calleeOf)).toEqual(['c', 'd', 'b', 'e', 'a']);
  });

  it('callsIn orders the nested calls of a long statement post-order too', () => {
    // Each argument's inner call before it, the outer call last.
    const args = Array.from({ length: 18 }, (_, i) => `arg${i}(inner${i}())`).join(', ');
    const parsed = parseSource('c.c', `void f(void) { Register(${args}); }`);
    const stmt = parsed.root.descendantsOfType('expression_statement')[0];
    expect(callsIn(stmt).map(calleeOf)).toEqual([...Array.from({ length: 18 }, (_, i) => [`inner${i}`, `arg${i}`]).flat(), 'Register']);
  });
});

describe('if / else', () => {
  const b = build(`
NTSTATUS F(PIRP Irp, ULONG Length)
{
    NTSTATUS status;
    if (Length == 0) {
        status = FailEmpty(Irp);
    } else if (Length > PAGE_SIZE) {
        status = FailLarge(Irp);
    } else {
        status = Handle(Irp);
    }
    if (!NT_SUCCESS(status))
        LogFailure(status);
    Complete(Irp, status);
    return status;
}`);

  it('each branch is reachable and joins at the following statement', () => {
    isWellFormed(b.cfg);
    for (const c of ['FailEmpty', 'FailLarge', 'Handle', 'LogFailure', 'Complete']) expect(reachable(b, c), c).toBe(true);
    for (const c of ['FailEmpty', 'FailLarge', 'Handle']) expect(flows(b, c, 'Complete'), c).toBe(true);
    expect(flows(b, 'FailEmpty', 'FailLarge')).toBe(false);
    expect(flows(b, 'FailLarge', 'Handle')).toBe(false);
    expect(flows(b, 'Handle', 'FailEmpty')).toBe(false);
  });

  it('guards the then edge true and the else edge false', () => {
    const cond = b.cfg.nodes.find((n) => n.kind === 'condition' && n.ast?.text === '(Length == 0)')!;
    expect(cond).toBeDefined();
    expect(cond.succ).toHaveLength(2);
    expect(succNode(cond, true)).toBe(callNode(b.cfg, 'FailEmpty'));
    const elseIf = succNode(cond, false);
    expect(elseIf.kind).toBe('condition');
    expect(elseIf.ast?.text).toBe('(Length > PAGE_SIZE)');
    // Guards hold the condition without its parentheses.
    expect(cond.succ[0].guard?.condition.text).toBe('Length == 0');
  });

  it('an if without else falls through on false', () => {
    const cond = callNode(b.cfg, 'NT_SUCCESS');
    expect(cond.kind).toBe('condition');
    expect(succNode(cond, true)).toBe(callNode(b.cfg, 'LogFailure'));
    expect(succNode(cond, false)).toBe(callNode(b.cfg, 'Complete'));
    expect(reachesAvoiding(b.cfg.entry, callNode(b.cfg, 'Complete'), callNode(b.cfg, 'LogFailure'))).toBe(true);
  });
});

describe('switch', () => {
  const b = build(`
NTSTATUS DispatchIoctl(ULONG Code)
{
    NTSTATUS status = STATUS_SUCCESS;
    switch (Code) {
    case IOCTL_A:
        DoA();
        break;
    case IOCTL_B:
        DoB();
        /* fall through */
    case IOCTL_C:
    case IOCTL_D:
        DoCD();
        break;
    case IOCTL_E:
        return DoE();
    default:
        status = DoDefault();
        break;
    }
    After(status);
    return status;
}`);

  it('the condition dispatches to every case and to default', () => {
    isWellFormed(b.cfg);
    const cond = b.cfg.nodes.find((n) => n.kind === 'condition' && n.ast?.text === '(Code)')!;
    for (const c of ['DoA', 'DoB', 'DoCD', 'DoE', 'DoDefault']) {
      expect(reaches(cond, callNode(b.cfg, c)), c).toBe(true);
      expect(reachable(b, c), c).toBe(true);
    }
  });

  it('a case without break falls through into the next one', () => {
    expect(flows(b, 'DoB', 'DoCD')).toBe(true);
    expect(flows(b, 'DoA', 'DoCD')).toBe(false);
    expect(flows(b, 'DoA', 'DoB')).toBe(false);
  });

  it('break leaves the switch; return leaves the function', () => {
    expect(flows(b, 'DoA', 'After')).toBe(true);
    expect(flows(b, 'DoCD', 'After')).toBe(true);
    expect(flows(b, 'DoDefault', 'After')).toBe(true);
    expect(flows(b, 'DoE', 'After')).toBe(false);
    expect(reachesExit(b, 'DoE')).toBe(true);
  });

  it('with a default, no edge skips every case', () => {
    const cond = b.cfg.nodes.find((n) => n.kind === 'condition' && n.ast?.text === '(Code)')!;
    expect(cond.succ.map((e) => e.to).some((t) => t === callNode(b.cfg, 'After'))).toBe(false);
  });

  it('without a default, the condition also flows past the switch', () => {
    const nd = build(`
VOID F(ULONG Code)
{
    switch (Code) {
    case 1: One(); break;
    case 2: Two(); break;
    }
    After();
}`);
    const cond = nd.cfg.nodes.find((n) => n.kind === 'condition')!;
    expect(cond.succ.map((e) => e.to)).toContain(callNode(nd.cfg, 'After'));
    expect(reachesAvoiding(nd.cfg.entry, callNode(nd.cfg, 'After'), callNode(nd.cfg, 'One'))).toBe(true);
  });

  it('a default in the middle is reached from the condition and falls through', () => {
    const mid = build(`
VOID F(ULONG Code)
{
    switch (Code) {
    case 1: One(); break;
    default: Dflt();
    case 2: Two(); break;
    }
    After();
}`);
    expect(flows(mid, 'Dflt', 'Two')).toBe(true);
    const cond = mid.cfg.nodes.find((n) => n.kind === 'condition')!;
    expect(cond.succ.map((e) => e.to)).not.toContain(callNode(mid.cfg, 'After'));
  });

  it('continue inside a switch goes to the enclosing loop, break only leaves the switch', () => {
    const loop = build(`
VOID F(PULONG Codes, ULONG n)
{
    ULONG i;
    for (i = 0; i < n; i++) {
        switch (Codes[i]) {
        case 0: Skip(); continue;
        case 1: Stop(); break;
        }
        Tail();
    }
    Done();
}`);
    const update = loop.cfg.nodes.find((n) => n.ast?.text === 'i++')!;
    const cont = loop.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    const brk = loop.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(cont.succ.map((e) => e.to)).toEqual([update]);
    expect(brk.succ.map((e) => e.to)).toEqual([callNode(loop.cfg, 'Tail')]);
    expect(reachesAvoiding(callNode(loop.cfg, 'Skip'), callNode(loop.cfg, 'Tail'), update)).toBe(false);
    expect(flows(loop, 'Stop', 'Tail')).toBe(true);
    expect(reachesExit(loop, 'Skip')).toBe(true);
  });
});

describe('loops', () => {
  it('while: body loops back to the condition; break leaves; continue returns to the head', () => {
    const b = build(`
VOID F(PLIST_ENTRY Head)
{
    PLIST_ENTRY e = Head->Flink;
    while (e != Head) {
        if (IsStale(e)) {
            e = e->Flink;
            continue;
        }
        if (IsLast(e))
            break;
        Process(e);
        e = e->Flink;
    }
    After();
}`);
    isWellFormed(b.cfg);
    const cond = b.cfg.nodes.find((n) => n.kind === 'condition' && n.ast?.text === '(e != Head)')!;
    expect(reaches(callNode(b.cfg, 'Process'), cond)).toBe(true);
    expect(succNode(cond, false)).toBe(callNode(b.cfg, 'After'));
    // continue skips Process and goes back to the condition.
    const cont = b.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    expect(reachesAvoiding(cont, cond, callNode(b.cfg, 'Process'))).toBe(true);
    // break leaves without the condition.
    const brk = b.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(brk.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'After')]);
    expect(flows(b, 'Process', 'IsStale')).toBe(true);
  });

  it('while (TRUE) only exits through break', () => {
    const b = build(`
VOID F(VOID)
{
    while (TRUE) {
        if (Poll()) break;
        Wait();
    }
    After();
}`);
    const cond = b.cfg.nodes.find((n) => n.kind === 'condition' && n.ast?.text === '(TRUE)')!;
    expect(cond.succ.map((e) => e.to)).not.toContain(callNode(b.cfg, 'After'));
    expect(reachable(b, 'After')).toBe(true);
    expect(reachesAvoiding(b.cfg.entry, callNode(b.cfg, 'After'), callNode(b.cfg, 'Wait'))).toBe(true);
  });

  it('an infinite loop without break never reaches exit', () => {
    const b = build(`
VOID Worker(PVOID Ctx)
{
    for (;;) {
        WaitForWork(Ctx);
        DoWork(Ctx);
    }
    NeverHere();
}`);
    expect(reachable(b, 'DoWork')).toBe(true);
    expect(reachable(b, 'NeverHere')).toBe(false);
    expect(reachesExit(b, 'DoWork')).toBe(false);
    expect(reaches(b.cfg.entry, b.cfg.exit)).toBe(false);
    // Only the dead statement after the loop leads to exit.
    expect(predDescriptions(b.cfg.exit)).toEqual(['NeverHere();']);
  });

  it('do/while: the body runs before the condition; continue goes to the condition', () => {
    const b = build(`
VOID F(PDEVICE_EXTENSION Ext)
{
    ULONG tries = 0;
    do {
        if (Busy(Ext)) {
            tries++;
            continue;
        }
        Kick(Ext);
    } while (NeedMore(Ext) && tries < 10);
    After();
}`);
    isWellFormed(b.cfg);
    const cond = callNode(b.cfg, 'NeedMore');
    expect(cond.kind).toBe('condition');
    expect(reachesAvoiding(b.cfg.entry, callNode(b.cfg, 'Busy'), cond)).toBe(true);
    expect(flows(b, 'Kick', 'NeedMore')).toBe(true);
    const cont = b.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    expect(reachesAvoiding(cont, cond, callNode(b.cfg, 'Kick'))).toBe(true);
    expect(reaches(succNode(cond, true), callNode(b.cfg, 'Busy'))).toBe(true);
    expect(succNode(cond, false)).toBe(callNode(b.cfg, 'After'));
  });

  it('do { ... } while (0) runs once and exits; break inside leaves it', () => {
    const b = build(`
NTSTATUS F(VOID)
{
    NTSTATUS status;
    do {
        status = StepOne();
        if (!NT_SUCCESS(status)) break;
        status = StepTwo();
    } while (0);
    Cleanup();
    return status;
}`);
    expect(flows(b, 'StepTwo', 'Cleanup')).toBe(true);
    const brk = b.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(brk.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'Cleanup')]);
    expect(reachesExit(b, 'Cleanup')).toBe(true);
    // No way back into the body: StepTwo does not reach StepOne (a lock taken in it is not taken twice).
    expect(flows(b, 'StepTwo', 'StepOne')).toBe(false);
  });

  it('for: init once, condition, body, update, back to the condition; break and continue', () => {
    const b = build(`
VOID F(PULONG Table, ULONG Count)
{
    ULONG i;
    for (i = Start(); Check(i, Count); i = Next(i)) {
        if (Table[i] == 0) continue;
        if (Table[i] == 0xFFFFFFFF) break;
        Use(Table[i]);
    }
    After();
}`);
    isWellFormed(b.cfg);
    const init = callNode(b.cfg, 'Start');
    const cond = callNode(b.cfg, 'Check');
    const update = callNode(b.cfg, 'Next');
    expect(init).not.toBe(cond);
    expect(reaches(init, cond)).toBe(true);
    expect(reaches(cond, init)).toBe(false); // init runs once
    expect(flows(b, 'Use', 'Next')).toBe(true);
    expect(reaches(update, cond)).toBe(true);
    const cont = b.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    expect(reachesAvoiding(cont, update, callNode(b.cfg, 'Use'))).toBe(true);
    const brk = b.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(brk.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'After')]);
    expect(reachesAvoiding(brk, callNode(b.cfg, 'After'), update)).toBe(true);
    expect(succNode(cond, false)).toBe(callNode(b.cfg, 'After'));
  });

  it('nested loops: break and continue bind to the innermost loop', () => {
    const b = build(`
VOID F(ULONG Rows, ULONG Cols)
{
    ULONG r, c;
    for (r = 0; r < Rows; r++) {
        for (c = 0; c < Cols; c++) {
            if (Cell(r, c) == 0) break;
            if (Cell(r, c) == 1) continue;
            Paint(r, c);
        }
        EndRow(r);
    }
    Done();
}`);
    const inner = b.cfg.nodes.filter((n) => n.ast?.type === 'break_statement');
    expect(inner).toHaveLength(1);
    expect(inner[0].succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'EndRow')]);
    const cont = b.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    const innerUpdate = b.cfg.nodes.find((n) => n.ast?.text === 'c++')!;
    expect(cont.succ.map((e) => e.to)).toEqual([innerUpdate]);
    expect(flows(b, 'EndRow', 'Done')).toBe(true);
  });
});

describe('goto and labels', () => {
  const b = build(`
NTSTATUS StartDevice(PDEVICE_EXTENSION Ext)
{
    NTSTATUS status;
    status = MapRegisters(Ext);
    if (!NT_SUCCESS(status)) {
        goto Exit;
    }
    status = ConnectInterrupt(Ext);
    if (!NT_SUCCESS(status)) {
        goto Unmap;
    }
    EnableDevice(Ext);
    return STATUS_SUCCESS;

Unmap:
    UnmapRegisters(Ext);
Exit:
    LogStatus(status);
    return status;
}`);

  it('goto jumps to its label', () => {
    isWellFormed(b.cfg);
    expect(flows(b, 'MapRegisters', 'LogStatus')).toBe(true);
    expect(reachesAvoiding(callNode(b.cfg, 'MapRegisters'), callNode(b.cfg, 'LogStatus'), callNode(b.cfg, 'ConnectInterrupt'))).toBe(true);
    expect(flows(b, 'ConnectInterrupt', 'UnmapRegisters')).toBe(true);
    expect(flows(b, 'UnmapRegisters', 'LogStatus')).toBe(true);
    expect(flows(b, 'EnableDevice', 'UnmapRegisters')).toBe(false);
    expect(flows(b, 'EnableDevice', 'LogStatus')).toBe(false);
    expect(reachesExit(b, 'EnableDevice')).toBe(true);
  });

  it('the labels are reachable only through the gotos (the return before them ends the path)', () => {
    const unmap = labelNode(b, 'Unmap');
    const exit = labelNode(b, 'Exit');
    expect(unmap.kind).toBe('join');
    expect(predDescriptions(unmap)).toEqual(['goto Unmap;']);
    expect(predDescriptions(exit)).toEqual(['UnmapRegisters(Ext);', 'goto Exit;']);
  });

  it('a backward goto makes a loop', () => {
    const back = build(`
VOID F(VOID)
{
Retry:
    if (!TryOnce()) {
        Backoff();
        goto Retry;
    }
    Done();
}`);
    expect(flows(back, 'Backoff', 'TryOnce')).toBe(true);
    expect(predDescriptions(labelNode(back, 'Retry'))).toEqual(['entry', 'goto Retry;']);
    expect(reachesExit(back, 'Backoff')).toBe(true);
  });

  it('a goto to a missing label goes nowhere; the code after it is unreachable', () => {
    const g = build(`
VOID F(VOID)
{
    goto Nowhere;
    Unreached();
}`);
    const gotoNode = g.cfg.nodes.find((n) => n.ast?.type === 'goto_statement')!;
    expect(gotoNode.succ).toEqual([]);
    expect(reachable(g, 'Unreached')).toBe(false);
  });
});

describe('return', () => {
  it('return connects to exit; code after it is unreachable', () => {
    const b = build(`
NTSTATUS F(PIRP Irp)
{
    if (Irp == NULL) {
        return Fail();
    }
    Work(Irp);
    return STATUS_SUCCESS;
    DeadCode();
}`);
    expect(reachesExit(b, 'Fail')).toBe(true);
    expect(flows(b, 'Fail', 'Work')).toBe(false);
    expect(callNode(b.cfg, 'Fail').succ.map((e) => e.to)).toEqual([b.cfg.exit]);
    expect(reachable(b, 'DeadCode')).toBe(false);
    expect(callNode(b.cfg, 'DeadCode').pred).toEqual([]);
    expect(b.cfg.exit.pred.filter((e) => reaches(b.cfg.entry, e.from))).toHaveLength(2);
  });

  it('a void function with no return falls off its end into exit', () => {
    const b = build('VOID F(VOID) { A(); }');
    expect(reachesExit(b, 'A')).toBe(true);
    const empty = build('VOID G(VOID) { }');
    expect(empty.cfg.entry.succ.map((e) => e.to)).toEqual([empty.cfg.exit]);
  });
});

describe('__try / __except', () => {
  const b = build(`
NTSTATUS CopyFromUser(PVOID UserBuffer, ULONG Length, PVOID Kernel)
{
    NTSTATUS status = STATUS_SUCCESS;
    __try {
        ProbeForRead(UserBuffer, Length, 1);
        RtlCopyMemory(Kernel, UserBuffer, Length);
        Touch(Kernel);
    } __except (Filter(GetExceptionCode())) {
        status = Handler(GetExceptionCode());
    }
    After(status);
    return status;
}`);

  it('the handler is reachable from every statement of the guarded body', () => {
    isWellFormed(b.cfg);
    const filter = callNode(b.cfg, 'Filter');
    expect(filter.kind).toBe('condition');
    for (const c of ['ProbeForRead', 'RtlCopyMemory', 'Touch']) {
      expect(callNode(b.cfg, c).succ.map((e) => e.to), c).toContain(filter);
      expect(flows(b, c, 'Handler'), c).toBe(true);
    }
    // Even an exception raised before the first statement completes reaches it.
    expect(reachesAvoiding(b.cfg.entry, filter, callNode(b.cfg, 'ProbeForRead'))).toBe(true);
  });

  it('both the normal path and the handler continue after the __try', () => {
    expect(reachesAvoiding(callNode(b.cfg, 'Touch'), callNode(b.cfg, 'After'), callNode(b.cfg, 'Handler'))).toBe(true);
    expect(flows(b, 'Handler', 'After')).toBe(true);
    expect(flows(b, 'Handler', 'Touch')).toBe(false);
    expect(reachesExit(b, 'Handler')).toBe(true);
  });

  it('a return inside __try/__except goes straight to exit; __leave goes past the handler', () => {
    const r = build(`
NTSTATUS F(PVOID p)
{
    __try {
        if (p == NULL) return Early();
        if (Check(p)) __leave;
        Body(p);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Handler();
    }
    After();
    return STATUS_SUCCESS;
}`);
    expect(callNode(r.cfg, 'Early').succ.map((e) => e.to)).toContain(r.cfg.exit);
    // Early() itself may raise, so the handler (and After) is reachable from it, but not bypassing the handler.
    expect(reachesAvoiding(callNode(r.cfg, 'Early'), callNode(r.cfg, 'After'), callNode(r.cfg, 'Handler'))).toBe(false);
    const leave = r.cfg.nodes.find((n) => n.ast?.type === 'seh_leave_statement')!;
    expect(reaches(leave, callNode(r.cfg, 'After'))).toBe(true);
    expect(reaches(leave, callNode(r.cfg, 'Body'))).toBe(false);
    expect(leave.succ.map((e) => e.to)).toContain(callNode(r.cfg, 'After'));
  });
});

describe('__try / __finally', () => {
  const b = build(`
NTSTATUS F(PDEVICE_EXTENSION Ext)
{
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
    __try {
        if (!Ready(Ext)) {
            __leave;
        }
        if (Broken(Ext)) {
            return Bail();
        }
        status = Work(Ext);
    } __finally {
        KeReleaseSpinLock(&Ext->Lock, old);
    }
    After(status);
    return status;
}`);

  it('the normal end of the body runs the finally block, then the code after it', () => {
    isWellFormed(b.cfg);
    expect(flows(b, 'Work', 'KeReleaseSpinLock')).toBe(true);
    expect(flows(b, 'KeReleaseSpinLock', 'After')).toBe(true);
    expect(reachesExit(b, 'KeReleaseSpinLock')).toBe(true);
  });

  it('__leave runs the finally block and skips the rest of the body', () => {
    const leave = b.cfg.nodes.find((n) => n.ast?.type === 'seh_leave_statement')!;
    expect(reaches(leave, callNode(b.cfg, 'KeReleaseSpinLock'))).toBe(true);
    expect(reaches(leave, callNode(b.cfg, 'Work'))).toBe(false);
    expect(reaches(leave, callNode(b.cfg, 'Broken'))).toBe(false);
    expect(leave.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'KeReleaseSpinLock')]);
  });

  it('return inside __try runs the finally block before leaving the function', () => {
    const ret = callNode(b.cfg, 'Bail');
    expect(ret.succ.map((e) => e.to)).not.toContain(b.cfg.exit);
    expect(ret.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'KeReleaseSpinLock')]);
    expect(reachesExit(b, 'Bail')).toBe(true);
    // The finally block leads to exit directly (for the return path).
    expect(callNode(b.cfg, 'KeReleaseSpinLock').succ.map((e) => e.to)).toContain(b.cfg.exit);
  });

  it('every path to exit passes through the finally block', () => {
    expect(reachesAvoiding(b.cfg.entry, b.cfg.exit, callNode(b.cfg, 'KeReleaseSpinLock'))).toBe(false);
  });

  it('a return in an inner __try/__finally runs both finally blocks, inner first', () => {
    const n = build(`
VOID F(VOID)
{
    __try {
        __try {
            if (Cond()) return;
            Inner();
        } __finally {
            FinInner();
        }
        Middle();
    } __finally {
        FinOuter();
    }
    After();
}`);
    const ret = n.cfg.nodes.find((x) => x.ast?.type === 'return_statement')!;
    expect(ret.succ.map((e) => e.to)).toEqual([callNode(n.cfg, 'FinInner')]);
    expect(flows(n, 'FinInner', 'FinOuter')).toBe(true);
    expect(callNode(n.cfg, 'FinInner').succ.map((e) => e.to)).not.toContain(n.cfg.exit);
    expect(callNode(n.cfg, 'FinOuter').succ.map((e) => e.to)).toContain(n.cfg.exit);
    expect(reachesAvoiding(n.cfg.entry, n.cfg.exit, callNode(n.cfg, 'FinOuter'))).toBe(false);
  });
});

describe('leaving __try/__finally by break, continue and goto', () => {
  // MSVC runs the termination handler whenever control leaves the guarded section: normally, by __leave,
  // return, goto, break or continue. The CFG lowers return and __leave through the finally block, but a
  // break/continue/goto out of the guarded body jumps straight to its target.
  it('break out of a __try inside a loop runs the __finally block first', () => {
    const b = build(`
VOID Drain(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    while (More(Ext)) {
        KeAcquireSpinLock(&Ext->Lock, &old);
        __try {
            if (Empty(Ext)) break;
            Pop(Ext);
        } __finally {
            KeReleaseSpinLock(&Ext->Lock, old);
        }
    }
    After(Ext);
}`);
    const brk = b.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(reachesAvoiding(brk, callNode(b.cfg, 'After'), callNode(b.cfg, 'KeReleaseSpinLock'))).toBe(false);
  });

  it('continue out of a __try inside a loop runs the __finally block first', () => {
    const b = build(`
VOID Drain(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    while (More(Ext)) {
        KeAcquireSpinLock(&Ext->Lock, &old);
        __try {
            if (Skip(Ext)) continue;
            Pop(Ext);
        } __finally {
            KeReleaseSpinLock(&Ext->Lock, old);
        }
    }
}`);
    const cont = b.cfg.nodes.find((n) => n.ast?.type === 'continue_statement')!;
    expect(reachesAvoiding(cont, callNode(b.cfg, 'More'), callNode(b.cfg, 'KeReleaseSpinLock'))).toBe(false);
  });

  it('goto out of a __try runs the __finally block first', () => {
    const b = build(`
NTSTATUS F(PDEVICE_EXTENSION Ext)
{
    KIRQL old;
    KeAcquireSpinLock(&Ext->Lock, &old);
    __try {
        if (Bad(Ext)) goto Fail;
        Work(Ext);
    } __finally {
        KeReleaseSpinLock(&Ext->Lock, old);
    }
    return STATUS_SUCCESS;
Fail:
    Report(Ext);
    return STATUS_UNSUCCESSFUL;
}`);
    const g = b.cfg.nodes.find((n) => n.ast?.type === 'goto_statement')!;
    expect(reachesAvoiding(g, callNode(b.cfg, 'Report'), callNode(b.cfg, 'KeReleaseSpinLock'))).toBe(false);
  });

  it('break in a loop nested entirely inside the __try does not involve the finally block', () => {
    const b = build(`
VOID F(VOID)
{
    __try {
        while (More()) {
            if (Stop()) break;
            Step();
        }
        AfterLoop();
    } __finally {
        Fin();
    }
}`);
    const brk = b.cfg.nodes.find((n) => n.ast?.type === 'break_statement')!;
    expect(brk.succ.map((e) => e.to)).toEqual([callNode(b.cfg, 'AfterLoop')]);
    expect(flows(b, 'AfterLoop', 'Fin')).toBe(true);
  });
});

describe('unparsed code', () => {
  it('an ERROR statement keeps its calls and the rest of the body is lowered', () => {
    const b = build(`
VOID F(PVOID p)
{
    Before(p);
    x = = 3 Inside(p);
    After(p);
}`);
    expect(b.def.body.hasError).toBe(true);
    expect(reachable(b, 'Before')).toBe(true);
    expect(reachable(b, 'Inside')).toBe(true);
    expect(flows(b, 'Before', 'Inside')).toBe(true);
    expect(flows(b, 'Inside', 'After')).toBe(true);
    expect(reachable(b, 'After')).toBe(true);
    expect(reachesExit(b, 'After')).toBe(true);
  });
});
