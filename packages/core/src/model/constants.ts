/**
 * Constant evaluation for DDI arguments: enum names, `#define`d constants, integer and multi-character literals
 * (pool tags such as `'gaT1'`), casts, and the operators `| & ^ + - * / % << >> ~ !` and parentheses.
 *
 * It works on expression text, so a `#define` body and a call argument go through the same code. Anything it
 * cannot evaluate (a `sizeof`, a variable, a function call) gives `undefined`: "unknown", never a guess.
 */
import { POOL_FLAG_VALUES, POOL_TYPE_MODIFIERS, POOL_TYPE_VALUES } from '../knowledge/pool.js';

/** Names whose value the WDK headers fix and that a driver uses in DDI arguments. */
export const WDK_CONSTANTS: ReadonlyMap<string, bigint> = new Map<string, bigint>([
  ...Object.entries(POOL_TYPE_VALUES).map(([k, v]) => [k, BigInt(v)] as [string, bigint]),
  ...Object.entries(POOL_TYPE_MODIFIERS).map(([k, v]) => [k, BigInt(v)] as [string, bigint]),
  ...Object.entries(POOL_FLAG_VALUES),
  ['PASSIVE_LEVEL', 0n],
  ['LOW_LEVEL', 0n],
  ['APC_LEVEL', 1n],
  ['DISPATCH_LEVEL', 2n],
  ['HIGH_LEVEL', 15n],
  ['TRUE', 1n],
  ['FALSE', 0n],
  ['NULL', 0n],
  ['PAGE_SIZE', 4096n],
  ['LowPoolPriority', 0n],
  ['NormalPoolPriority', 16n],
  ['HighPoolPriority', 32n],
]);

export type ConstantLookup = (name: string) => string | bigint | undefined;

type Token = { kind: 'num'; value: bigint } | { kind: 'id'; text: string } | { kind: 'op'; text: string };

const OPERATORS = ['<<', '>>', '||', '&&', '==', '!=', '<=', '>=', '|', '&', '^', '+', '-', '*', '/', '%', '~', '!', '(', ')', '<', '>'];

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') break;
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlLiI0-9]*)/.exec(text.slice(i));
      if (!m) return undefined;
      const digits = m[1];
      let value: bigint;
      if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
      else value = BigInt(digits);
      tokens.push({ kind: 'num', value });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      const m = /^'((?:\\.|[^'\\])+)'/.exec(text.slice(i));
      if (!m) return undefined;
      const chars = unescapeChars(m[1]);
      if (chars === undefined) return undefined;
      // A multi-character constant packs its characters big-endian (MSVC): 'gaT1' = 0x67615431.
      let value = 0n;
      for (const ch of chars) value = (value << 8n) | BigInt(ch & 0xff);
      tokens.push({ kind: 'num', value });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'id', text: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) return undefined;
    tokens.push({ kind: 'op', text: op });
    i += op.length;
  }
  return tokens;
}

function unescapeChars(body: string): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out.push(body.charCodeAt(i));
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };
    if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
      out.push(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (e in simple) out.push(simple[e]);
    else if (e === 'x') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1));
      if (!m) return undefined;
      out.push(parseInt(m[0], 16));
      i += m[0].length;
    } else return undefined;
  }
  return out;
}

const TYPE_NAMES = /^(?:POOL_TYPE|POOL_FLAGS|ULONG|LONG|ULONG64|LONG64|ULONGLONG|LONGLONG|ULONG_PTR|LONG_PTR|SIZE_T|size_t|UINT|INT|UINT32|UINT64|USHORT|UCHAR|KIRQL|int|unsigned|long|short|char|DWORD|UINT_PTR|INT_PTR|EX_POOL_PRIORITY)$/;

class Evaluator {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly resolve: (name: string) => bigint | undefined,
  ) {}

  run(): bigint | undefined {
    const v = this.binary(0);
    return this.pos === this.tokens.length ? v : undefined;
  }

  private static readonly PRECEDENCE: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
    '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };

  private peekOp(): string | undefined {
    const t = this.tokens[this.pos];
    return t && t.kind === 'op' ? t.text : undefined;
  }

  private binary(minPrec: number): bigint | undefined {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      const prec = op ? Evaluator.PRECEDENCE[op] : undefined;
      if (!op || prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.binary(prec + 1);
      if (left === undefined || right === undefined) {
        left = undefined;
        continue;
      }
      left = apply(op, left, right);
    }
  }

  private unary(): bigint | undefined {
    const t = this.tokens[this.pos];
    if (!t) return undefined;
    if (t.kind === 'op') {
      if (t.text === '(') {
        // A cast: `(POOL_TYPE)x`, `(ULONG)(a | b)`.
        const next = this.tokens[this.pos + 1];
        const close = this.tokens[this.pos + 2];
        if (next?.kind === 'id' && close?.kind === 'op' && close.text === ')' && TYPE_NAMES.test(next.text)) {
          this.pos += 3;
          return this.unary();
        }
        this.pos++;
        const v = this.binary(0);
        if (this.peekOp() !== ')') return undefined;
        this.pos++;
        return v;
      }
      this.pos++;
      const v = this.unary();
      if (v === undefined) return undefined;
      switch (t.text) {
        case '-':
          return -v;
        case '+':
          return v;
        case '~':
          return ~v & 0xffff_ffff_ffff_ffffn;
        case '!':
          return v === 0n ? 1n : 0n;
        default:
          return undefined;
      }
    }
    this.pos++;
    if (t.kind === 'num') return t.value;
    if (t.text === 'sizeof') {
      // Unknown but never evaluated as zero: skip the operand.
      if (this.peekOp() === '(') this.skipParens();
      else this.unary();
      return undefined;
    }
    if (this.peekOp() === '(') {
      // A call or function-like macro use: unknown.
      this.skipParens();
      return undefined;
    }
    return this.resolve(t.text);
  }

  private skipParens(): void {
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos++];
      if (t.kind === 'op' && t.text === '(') depth++;
      else if (t.kind === 'op' && t.text === ')' && --depth === 0) return;
    }
  }
}

function apply(op: string, a: bigint, b: bigint): bigint | undefined {
  switch (op) {
    case '|': return a | b;
    case '&': return a & b;
    case '^': return a ^ b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? undefined : a / b;
    case '%': return b === 0n ? undefined : a % b;
    case '<<': return b < 0n || b > 64n ? undefined : a << b;
    case '>>': return b < 0n || b > 64n ? undefined : a >> b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: return undefined;
  }
}

/**
 * Evaluate `text`. `lookup` gives a name's definition: a `#define` body (text, evaluated in turn) or an enum
 * value; names it does not know fall back to the WDK constants.
 */
export function evaluateConstant(text: string, lookup: ConstantLookup = () => undefined): bigint | undefined {
  const active = new Set<string>();
  const resolve = (name: string): bigint | undefined => {
    if (active.has(name)) return undefined; // a self-referencing #define
    const def = lookup(name);
    if (typeof def === 'bigint') return def;
    if (typeof def === 'string') {
      active.add(name);
      try {
        return evaluate(def);
      } finally {
        active.delete(name);
      }
    }
    return WDK_CONSTANTS.get(name);
  };
  const evaluate = (t: string): bigint | undefined => {
    const tokens = tokenize(t);
    if (!tokens || tokens.length === 0) return undefined;
    return new Evaluator(tokens, resolve).run();
  };
  return evaluate(text);
}

/** The identifiers an expression names, for explanations (`PagedPool | POOL_COLD_ALLOCATION` → both). */
export function identifiersIn(text: string): string[] {
  return (tokenize(text) ?? []).filter((t): t is { kind: 'id'; text: string } => t.kind === 'id').map((t) => t.text);
}
