/**
 * The rewrite of a deprecated allocator call (knowledge base §5), as a plan the UnsafeAllocatePool rule turns
 * into a fix or suggestions. Only the callee name and the pool argument are replaced (and a tag appended for
 * untagged calls), so formatting and comments around them stay as they were. POOL_FLAG_UNINITIALIZED is never
 * added: the point of the migration is zeroed memory.
 */
import { type AllocatorSpec, POOL_MODIFIER_TO_FLAGS, POOL_TYPE_TO_FLAGS } from '@ddi-lint/core';

export type MigrationTarget = 'win10-2004' | 'downlevel';

export interface Rewrite {
  readonly callee: string;
  /** Replacement text for the pool argument, or undefined to keep it. */
  readonly pool?: string;
  /** A tag to append (untagged calls). */
  readonly appendTag?: string;
  /** What the choice means, for suggestion messages. */
  readonly label: string;
}

export type MigrationPlan =
  | { readonly kind: 'fix'; readonly rewrite: Rewrite }
  | { readonly kind: 'choices'; readonly rewrites: readonly Rewrite[] }
  | { readonly kind: 'none'; readonly reason: string };

const QUOTA_FAIL_INSTEAD_OF_RAISE = 8;
const KNOWN_MODIFIERS = 8 | 16 | 256 | 1024;

const DOWNLEVEL: Readonly<Record<string, string>> = {
  ExAllocatePool: 'ExAllocatePoolZero',
  ExAllocatePoolWithTag: 'ExAllocatePoolZero',
  ExAllocatePoolWithQuota: 'ExAllocatePoolQuotaZero',
  ExAllocatePoolWithQuotaTag: 'ExAllocatePoolQuotaZero',
  ExAllocatePoolWithTagPriority: 'ExAllocatePoolPriorityZero',
};

export interface MigrationInput {
  readonly spec: AllocatorSpec;
  /** The constant POOL_TYPE, or undefined when the argument is not constant. */
  readonly poolValue: bigint | undefined;
  readonly target: MigrationTarget;
  /** Tag text for untagged calls (rule option `defaultTag`). */
  readonly defaultTag?: string;
  /** POOL_NX_OPTIN_AUTO is defined: NonPagedPool already means NonPagedPoolNx. */
  readonly nxOptInAuto: boolean;
}

export function planMigration(input: MigrationInput): MigrationPlan {
  const { spec, poolValue, target, defaultTag } = input;
  const untagged = spec.tagArg === undefined;
  if (untagged && !defaultTag) return { kind: 'none', reason: 'the call has no tag: set the rule option defaultTag to migrate it' };
  const appendTag = untagged ? defaultTag : undefined;
  if (target === 'downlevel') {
    return { kind: 'fix', rewrite: { callee: DOWNLEVEL[spec.name] ?? 'ExAllocatePoolZero', appendTag, label: DOWNLEVEL[spec.name] ?? 'ExAllocatePoolZero' } };
  }
  if (spec.name === 'ExAllocatePoolWithTagPriority') {
    return { kind: 'none', reason: 'ExAllocatePool3 needs a POOL_EXTENDED_PARAMETER for the priority' };
  }
  if (poolValue === undefined) return { kind: 'none', reason: 'the pool type is not a constant' };
  const value = Number(poolValue);
  const modifiers = value & KNOWN_MODIFIERS;
  const base = value & ~KNOWN_MODIFIERS;
  const mapping = POOL_TYPE_TO_FLAGS[base];
  if (!mapping) return { kind: 'none', reason: 'this pool type (MustSucceed, session or reserved) has no ExAllocatePool2 equivalent' };
  const extra: string[] = [];
  for (const [bit, flag] of Object.entries(POOL_MODIFIER_TO_FLAGS)) if (modifiers & Number(bit) && flag) extra.push(flag);
  if (spec.quota) {
    extra.push('POOL_FLAG_USE_QUOTA');
    // The quota allocators raise on failure unless told otherwise; ExAllocatePool2 must be told to raise.
    if (!(modifiers & QUOTA_FAIL_INSTEAD_OF_RAISE)) extra.push('POOL_FLAG_RAISE_ON_FAILURE');
  }
  let choices = mapping.choices;
  if (input.nxOptInAuto && (base === 0 || base === 4)) choices = choices.slice(1);
  const rewrites = choices.map((flags) => {
    const all = [...new Set([...flags, ...extra])];
    return { callee: 'ExAllocatePool2', pool: all.join(' | '), appendTag, label: all.join(' | ') };
  });
  return rewrites.length === 1 ? { kind: 'fix', rewrite: rewrites[0] } : { kind: 'choices', rewrites };
}

/** Normalised text for comparing places and sizes. */
function norm(text: string): string {
  let t = text.replace(/\s+/g, '');
  while (/^\((.*)\)$/.test(t)) t = t.slice(1, -1);
  return t.replace(/^\((?:PVOID|void\*|PUCHAR|PCHAR)\)/i, '');
}

interface Node {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly parent: Node | null;
  readonly namedChildren: readonly Node[];
  readonly nextNamedSibling: Node | null;
  childForFieldName(name: string): Node | null;
}

function zeroes(stmt: Node | null, place: string, size: string): boolean {
  if (stmt?.type !== 'expression_statement') return false;
  const call = stmt.namedChildren[0];
  if (call?.type !== 'call_expression') return false;
  const name = call.childForFieldName('function')?.text;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  if (name === 'RtlZeroMemory' && args.length === 2) return norm(args[0].text) === place && norm(args[1].text) === size;
  if (name === 'memset' && args.length === 3) return norm(args[0].text) === place && /^0+[uUlL]*$/.test(norm(args[1].text)) && norm(args[2].text) === size;
  return false;
}

function nextStatement(n: Node): Node | null {
  let s = n.nextNamedSibling;
  while (s && s.type === 'comment') s = s.nextNamedSibling;
  return s;
}

/** `if (p == NULL) …` / `if (!p) …` (then the zeroing follows the if) or `if (p) { zeroing … }`. */
function nullCheck(stmt: Node | null, place: string): 'failure-branch' | 'success-branch' | undefined {
  if (stmt?.type !== 'if_statement') return undefined;
  const cond = norm(stmt.childForFieldName('condition')?.text ?? '');
  if (cond === `${place}==NULL` || cond === `NULL==${place}` || cond === `!${place}`) return 'failure-branch';
  if (cond === `${place}!=NULL` || cond === `NULL!=${place}` || cond === place) return 'success-branch';
  return undefined;
}

/**
 * The `RtlZeroMemory(p, size)` / `memset(p, 0, size)` made redundant by a zeroing allocator: the statement right
 * after the allocation, or right after its NULL check, or first in the success branch of that check.
 */
export function redundantZeroing(allocationCall: Node, sizeText: string): Node | undefined {
  let stmt: Node | null = allocationCall;
  let place: string | undefined;
  while (stmt && stmt.type !== 'expression_statement' && stmt.type !== 'declaration') {
    if (stmt.type === 'assignment_expression') place = norm(stmt.childForFieldName('left')?.text ?? '');
    if (stmt.type === 'init_declarator') place = norm(stmt.childForFieldName('declarator')?.text ?? '').replace(/^\*+/, '');
    stmt = stmt.parent;
  }
  if (!stmt || !place) return undefined;
  const size = norm(sizeText);
  const next = nextStatement(stmt);
  if (zeroes(next, place, size)) return next!;
  const check = nullCheck(next, place);
  if (check === 'failure-branch' && zeroes(nextStatement(next!), place, size)) return nextStatement(next!)!;
  if (check === 'success-branch') {
    const body = next!.childForFieldName('consequence');
    const statements = body?.type === 'compound_statement' ? body.namedChildren.filter((c) => c.type !== 'comment') : body ? [body] : [];
    const first = statements[0] ?? null;
    if (!zeroes(first, place, size)) return undefined;
    // `if (p) { RtlZeroMemory(p, n); }` or a brace-less `if (p) RtlZeroMemory(p, n);` with nothing else: the whole
    // test goes (removing only the zeroing would leave an empty block, or make the next statement the body).
    if (statements.length === 1 && !next!.childForFieldName('alternative')) return next!;
    if (body?.type === 'compound_statement') return first!;
    return undefined;
  }
  return undefined;
}

/** The range that removes a statement with its own line, when it is alone on it. */
export function statementLineRange(text: string, stmt: { startIndex: number; endIndex: number }): [number, number] {
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const before = text.slice(lineStart, stmt.startIndex);
  let end = stmt.endIndex;
  const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
  if (/^[ \t]*$/.test(before) && rest[1]) return [lineStart, end + rest[0].length];
  return [stmt.startIndex, end];
}
