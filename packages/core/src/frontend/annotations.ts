/**
 * SAL annotations and WDK decoration macros.
 *
 * tree-sitter-c knows no macros, and driver code is full of `_In_`, `_IRQL_requires_max_(DISPATCH_LEVEL)`,
 * `__drv_maxIRQL(2)`, `IN`/`OUT`, `NTAPI`, `__declspec(…)`. Each of them is recognised here, recorded as a fact
 * (name, argument text, offsets), and blanked with same-length whitespace before parsing, so that every other
 * offset, line and column of the file stays exact. Preprocessor lines, comments, strings and character literals
 * are left alone.
 */

export interface Annotation {
  /** The macro name: `_IRQL_requires_max_`, `__drv_maxIRQL`, `_Dispatch_type_`, `IN` … */
  readonly name: string;
  /** The text between the outer parentheses, or undefined for a bare annotation. */
  readonly args?: string;
  /** Offsets (UTF-16 code units) of the whole annotation in the source. */
  readonly start: number;
  readonly end: number;
}

export interface BlankedSource {
  /** The source with annotations replaced by spaces (newlines kept). */
  readonly text: string;
  readonly annotations: readonly Annotation[];
}

/** Decoration macros that expand to nothing (or to a calling convention) in the WDK headers. */
const EMPTY_MACROS = new Set([
  'IN',
  'OUT',
  'OPTIONAL',
  'NTAPI',
  'NTAPI_INLINE',
  'WINAPI',
  'STDCALL',
  'DDKAPI',
  'NTSYSAPI',
  'NTSYSCALLAPI',
  'NTKERNELAPI',
  'NTHALAPI',
  'FORCEINLINE',
  'EXTERN_C',
  'EXTERN_C_START',
  'EXTERN_C_END',
  'CONST',
  'UNALIGNED',
  'UNALIGNED64',
  'POINTER_32',
  'POINTER_64',
  'RESTRICTED_POINTER',
  'DECLSPEC_NOINLINE',
  'DECLSPEC_NORETURN',
  'DECLSPEC_CACHEALIGN',
  'DECLSPEC_NOTHROW',
  'DECLSPEC_IMPORT',
  'DECLSPEC_EXPORT',
  'DECLSPEC_SELECTANY',
  'CALLBACK',
  'VOLATILE',
  'INLINE',
  '_inline',
  '_cdecl',
  'PASCAL',
  'FASTCALL',
  'FLTAPI',
  'WSKAPI',
  'SCSIPORT_API',
  'PAGED_CODE_SEG',
  'CFORCEINLINE',
  'FAR',
  'NEAR',
  // The SDK's calling conventions (windef.h, objbase.h, rpc.h): `NTSTATUS APIENTRY BddDdiCommitVidPn(…)`,
  // `ULONG STDMETHODCALLTYPE AddRef()`.
  'APIENTRY',
  'APIPRIVATE',
  'WINAPIV',
  'STDMETHODCALLTYPE',
  'STDMETHODVCALLTYPE',
  'STDAPICALLTYPE',
  'STDAPIVCALLTYPE',
  '__RPC_USER',
  '__RPC_API',
  '__RPC_STUB',
  'RPC_ENTRY',
  // MSVC's own calling-convention keywords. tree-sitter-c reads them; tree-sitter-cpp does not before `operator`
  // (`void* __cdecl operator new(size_t)`, the pool-backed `new` of C++ drivers), and the analysis never needs them.
  '__cdecl',
  '__stdcall',
  '__fastcall',
  '__thiscall',
  '__vectorcall',
  '__clrcall',
  '_stdcall',
  '_fastcall',
  // MSVC's inline keywords: a project macro built of them (`#define ETW_INLINE DECLSPEC_NOINLINE __inline`, in the
  // headers the ETW manifest compiler writes) is then a decoration the parser sees through.
  '__inline',
  '__forceinline',
]);

/** Decoration macros that take an argument list, blanked with it. */
const MACROS_WITH_ARGS = new Set([
  '__declspec',
  'DECLSPEC_ALIGN',
  'DECLSPEC_DEPRECATED_DDK',
  'DECLSPEC_GUARD_SUPPRESS',
  '__pragma',
  '_Pragma',
  '__annotation',
]);

/**
 * WDK macros that name a type from an argument (`SPB_TRANSFER_LIST_AND_ENTRIES(2) Sequence;`, a transfer list with
 * room for two entries). tree-sitter reads the use as a call followed by a stray name; with the argument list blanked
 * the declaration is one of the type the macro's name stands for.
 */
const TYPE_MACROS_WITH_ARGS = new Set(['SPB_TRANSFER_LIST_AND_ENTRIES']);

/**
 * Statement-like WDK macros used at file scope, often without a trailing semicolon, that tree-sitter cannot
 * parse; they declare nothing the analysis needs (`WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(…)`).
 */
const FILE_SCOPE_MACROS = new Set([
  'WDF_DECLARE_CONTEXT_TYPE',
  'WDF_DECLARE_CONTEXT_TYPE_WITH_NAME',
  'WDF_DECLARE_TYPE_AND_GLOBALS',
  'DECLARE_HANDLE',
  'C_ASSERT',
  'DEFINE_GUID',
]);

/** The RPC headers' buffer annotations (rpcsal.h: `__RPC__in`, `__RPC__deref_out_opt`, `__RPC__in_ecount_full(n)`). */
const RPC_SAL = /^__RPC__[a-z][a-z_]*$/;
/** SAL 2 (`_In_`, `_IRQL_requires_max_`): underscore, capital, ends in underscore, has a lower-case letter. */
const SAL2 = /^_[A-Z][A-Za-z0-9_]*_$/;
/** SAL 1 and driver annotations (`__in`, `__out_bcount(n)`, `__drv_maxIRQL(2)`, `__checkReturn`). */
const SAL1 =
  /^__(?:in|out|inout|deref|drv_[A-Za-z0-9_]*|field_[A-Za-z0-9_]*|bcount|ecount|xcount|checkReturn|success|range|nullterminated|notnull|maybenull|reserved|callback|control_entrypoint|format_string|typefix|struct_bcount|struct_xcount|analysis_assume|kernel_entry|user_code|kernel_code|allocator|readableTo|post|pre|valid|opt|possibly_notnullterminated|override|fallthrough|bound|elem_readableTo|elem_writableTo|byte_readableTo|byte_writableTo|writableTo|on_failure)(?:_[A-Za-z0-9_]*)?$/;

export function isAnnotationMacro(name: string): boolean {
  if (EMPTY_MACROS.has(name) || MACROS_WITH_ARGS.has(name) || RPC_SAL.test(name)) return true;
  if (SAL2.test(name)) return /[a-z]/.test(name);
  return SAL1.test(name);
}

function isIdentStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isIdentChar(code: number): boolean {
  return isIdentStart(code) || (code >= 48 && code <= 57);
}

/** First characters of the macro names this scanner acts on: `_`, `I`/`O` (IN, OUT, OPTIONAL), capitals, `W`… */
const CANDIDATE_START = /[_A-Z]/;

/**
 * The tokens the scanner cares about, in one regular expression (far faster than a character loop): comments,
 * string and character literals, preprocessor lines (with continuations and comments), braces, identifiers.
 */
const TOKENS =
  /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|^[ \t]*#(?:\\\r?\n|\/\*[\s\S]*?\*\/|[^\n])*|[{}]|->\*|[A-Za-z_][A-Za-z0-9_]*/gm;

export interface BlankOptions {
  /**
   * MSVC accepts `try`, `except`, `finally` in C as spellings of `__try`, `__except`, `__finally` (file systems
   * use them). tree-sitter-c does not, and there is no room to respell them in place, so within function bodies
   * `try {` becomes a plain block, `} finally {` a block that follows it, and `} except (filter) {` an `if` on the
   * filter: the same statements in the same order, with the handler as a path that may run. Not for C++, where
   * `try` is C++'s own.
   */
  readonly msvcSehKeywords?: boolean;
  /**
   * C++ source. Three constructs tree-sitter-cpp misreads are respelled, each as something the analysis reads the
   * same way: `delete [] (p)` and `delete[] ((PBYTE) p)`, read as the start of a lambda, lose the `[]` where a `(`
   * follows (a scalar `delete` of the same operand); an array of pointers, `new (NonPagedPoolNx, 'iveD') CSensor *[n]`,
   * loses the `*` (an array of the objects, from the same placement); a call through a pointer to member,
   * `(hal->*StepFn)()`, loses the `*` (a call through a member of `hal`, as unknown to the analysis as the original).
   */
  readonly cpp?: boolean;
  /** The project's own macros to see through at their uses (the model decides which: `projectMacroUses`). */
  readonly projectMacros?: ReadonlyMap<string, ProjectMacroUse>;
}

/**
 * What to do at a use of one of the project's macros, in place and keeping its length:
 * - `decoration`: it expands to annotations and decorations only (`#define PAGED CODE_SEG("PAGE")
 *   _IRQL_always_function_max_(PASSIVE_LEVEL)`, or nothing at all): the use (with its arguments) is blanked and the
 *   annotations of its expansion are recorded at the use, the macro's parameters replaced by the use's arguments;
 * - `while`: a function-like macro that expands to a `while (…)` or `for (…)` loop header (`WHILE(constant)`,
 *   `LIST_FOR_EACH_SAFE(entry, next, head)`): the name is respelled `while`, its arguments become the loop
 *   condition, so the body that follows is a loop body that may run any number of times.
 */
export type ProjectMacroUse =
  | {
      readonly kind: 'decoration';
      /** Parameter names of a function-like macro; undefined for an object-like one. */
      readonly params?: readonly string[];
      readonly annotations: readonly Pick<Annotation, 'name' | 'args'>[];
    }
  | { readonly kind: 'while' }
  /** An object-like macro that is one call of a DDI (`#define LOCK_GLOBAL KeAcquireSpinLock(&Lock, &Irql)`): its uses are calls. */
  | { readonly kind: 'call' };

/** The respelling of each MSVC C-mode exception keyword, same length, and what must follow it. */
const SEH_KEYWORDS: Readonly<Record<string, { readonly as: string; readonly before: string; readonly afterBrace: boolean }>> = {
  try: { as: '   ', before: '{', afterBrace: false },
  finally: { as: '       ', before: '{', afterBrace: true },
  except: { as: 'if    ', before: '(', afterBrace: true },
};

const PRAGMA_NOT_WARNING = /^[ \t]*#[ \t]*pragma[ \t]+(?!warning\b)/;
const SEH_HANDLER = /^__(?:except|finally)\b/;

/** Scan `source`, blank every annotation macro, and return the facts. */
export function blankAnnotations(source: string, options: BlankOptions = {}): BlankedSource {
  const annotations: Annotation[] = [];
  const blanks: [number, number, string?][] = [];
  let braceDepth = 0;
  const braces: boolean[] = [];
  TOKENS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKENS.exec(source))) {
    const token = m[0];
    const at = m.index;
    if (token.length === 0) {
      TOKENS.lastIndex++;
      continue;
    }
    const c = token.charCodeAt(0);
    if (c === 123 /* { */) {
      // `extern "C" {` opens no body: what is inside is still at file scope.
      const linkage = /extern\s*"C"\s*$/.test(source.slice(Math.max(0, at - 40), at));
      braces.push(!linkage);
      if (!linkage) braceDepth++;
      continue;
    }
    if (c === 125 /* } */) {
      if (braces.pop() !== false) braceDepth = Math.max(0, braceDepth - 1);
      continue;
    }
    if (c === 35 /* # */ || (c === 32 || c === 9)) {
      // A `#pragma prefast(suppress: …)` between a `__try` block and its `__except` or `__finally` is where no
      // directive can stand in tree-sitter's grammar: the whole statement fails to parse. Blanked there (a
      // `#pragma warning`, which a suppression may be, stays).
      if (braceDepth > 0 && PRAGMA_NOT_WARNING.test(token) && SEH_HANDLER.test(source.slice(skipSpace(source, at + token.length), at + token.length + 64))) {
        blanks.push([at, at + token.length]);
        continue;
      }
      // tree-sitter-c ends a multi-line directive at a block comment followed by a line continuation (WPP's
      // `WPP_CONTROL_GUIDS` lists of `WPP_DEFINE_BIT(…) /* bit 0 */ \`): such comments become blank.
      if (token.includes('/*') && /\\\r?\n/.test(token)) {
        for (const comment of token.matchAll(/\/\*[\s\S]*?\*\//g)) blanks.push([at + comment.index!, at + comment.index! + comment[0].length]);
      }
      continue;
    }
    if (c === 45 /* - */) {
      if (options.cpp) blanks.push([at + 2, at + 3]); // `->*`
      continue;
    }
    if (!isIdentStart(c)) continue; // comment or literal
    if (options.msvcSehKeywords && braceDepth > 0 && Object.prototype.hasOwnProperty.call(SEH_KEYWORDS, token)) {
      const seh = SEH_KEYWORDS[token];
      const next = skipSpace(source, at + token.length);
      if (source[next] === seh.before && (!seh.afterBrace || previousNonSpace(source, at) === '}')) blanks.push([at, at + token.length, seh.as]);
      continue;
    }
    if (options.cpp && braceDepth > 0 && (token === 'new' || token === 'delete')) {
      const range = token === 'new' ? pointerArrayStars(source, at + token.length) : arrayDeleteBrackets(source, at + token.length);
      if (range) {
        // What lies before the range (a placement, a type) holds nothing to blank: the scan goes on after it.
        blanks.push(range);
        TOKENS.lastIndex = range[1];
      }
      continue;
    }
    const project = options.projectMacros?.get(token);
    // A call macro stays as written: the model reads its uses as calls.
    if (project && project.kind !== 'call') {
      const open = skipSpace(source, at + token.length);
      const close = source[open] === '(' ? matchParen(source, open) : -1;
      if (project.kind === 'while') {
        if (braceDepth > 0 && close > 0) blanks.push([at, at + token.length, 'while'.padEnd(token.length)]);
        continue;
      }
      if (project.params && close < 0) continue; // a function-like macro's name alone is not a use
      // An object-like one decorates what follows it (a type, a name, `*`, a destructor); in an expression (`x = NAME;`) the
      // program's build must be giving it a value that the project's own definitions do not show.
      if (!project.params && !/[A-Za-z_*~]/.test(source[open] ?? '')) continue;
      const end = project.params ? close + 1 : at + token.length;
      const args = project.params ? splitArguments(source.slice(open + 1, close)) : [];
      for (const a of project.annotations) {
        annotations.push({ name: a.name, args: a.args && substituteParams(a.args, project.params ?? [], args), start: at, end });
      }
      blanks.push([at, end]);
      TOKENS.lastIndex = end;
      continue;
    }
    if (!CANDIDATE_START.test(token[0])) continue;
    if (TYPE_MACROS_WITH_ARGS.has(token)) {
      const open = skipSpace(source, at + token.length);
      const close = source[open] === '(' ? matchParen(source, open) : -1;
      if (close > 0) {
        blanks.push([open, close + 1]);
        TOKENS.lastIndex = close + 1;
      }
      continue;
    }
    const fileScopeMacro = braceDepth === 0 && FILE_SCOPE_MACROS.has(token);
    if (!isAnnotationMacro(token) && !fileScopeMacro) continue;
    let end = at + token.length;
    let args: string | undefined;
    const open = skipSpace(source, end);
    if (source[open] === '(') {
      const close = matchParen(source, open);
      if (close > 0) {
        args = source.slice(open + 1, close);
        end = close + 1;
      }
    }
    if (fileScopeMacro) {
      const semi = skipSpace(source, end);
      if (source[semi] === ';') end = semi + 1;
    }
    annotations.push({ name: token, args, start: at, end });
    blanks.push([at, end]);
    TOKENS.lastIndex = end;
  }
  if (!blanks.length) return { text: source, annotations };
  // Replace each blanked range by spaces, keeping line breaks.
  let out = '';
  let pos = 0;
  for (const [from, to, as] of blanks) {
    out += source.slice(pos, from) + (as ?? source.slice(from, to).replace(/[^\r\n]/g, ' '));
    pos = to;
  }
  return { text: out + source.slice(pos), annotations };
}

/** In `new (placement) Type *[n]`, from just after `new`: the range of the `*`s, if that is the shape. */
function pointerArrayStars(source: string, from: number): [number, number] | undefined {
  let at = skipSpace(source, from);
  if (source[at] === '(') {
    const close = matchParen(source, at);
    if (close < 0) return undefined;
    at = skipSpace(source, close + 1);
  }
  const type = /^[A-Za-z_][\w:]*/.exec(source.slice(at, at + 200));
  if (!type) return undefined;
  const start = skipSpace(source, at + type[0].length);
  let end = start;
  while (source[end] === '*') end = skipSpace(source, end + 1);
  return end > start && source[end] === '[' ? [start, end] : undefined;
}

/** In `delete [] (p)`, from just after `delete`: the range of the `[]`, if a `(` follows it. */
function arrayDeleteBrackets(source: string, from: number): [number, number] | undefined {
  const open = skipSpace(source, from);
  const close = source[open] === '[' ? skipSpace(source, open + 1) : -1;
  return close > 0 && source[close] === ']' && source[skipSpace(source, close + 1)] === '(' ? [open, close + 1] : undefined;
}

/** A macro use's arguments, split at top-level commas. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '"' || c === "'") i = skipQuoted(text, i, c) - 1;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out;
}

function substituteParams(text: string, params: readonly string[], args: readonly string[]): string {
  if (!params.length) return text;
  return text.replace(/[A-Za-z_]\w*/g, (word) => {
    const i = params.indexOf(word);
    return i >= 0 && args[i] !== undefined ? args[i] : word;
  });
}

function previousNonSpace(s: string, i: number): string | undefined {
  let k = i - 1;
  while (k >= 0 && (s[k] === ' ' || s[k] === '\t' || s[k] === '\r' || s[k] === '\n')) k--;
  return k >= 0 ? s[k] : undefined;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  return i;
}

/** Index just past a quoted literal; an unterminated one ends before the newline (which is not consumed). */
function skipQuoted(s: string, i: number, quote: string): number {
  let k = i + 1;
  while (k < s.length && s[k] !== quote && s[k] !== '\n') {
    if (s[k] === '\\' && s[k + 1] !== '\n') k++;
    k++;
  }
  return s[k] === quote ? k + 1 : k;
}

/** Index of the `)` matching the `(` at `open`, skipping strings and comments; -1 when unbalanced. */
export function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    const c = s[k];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return k;
    } else if (c === '"' || c === "'") k = skipQuoted(s, k, c) - 1;
    else if (c === '/' && s[k + 1] === '*') {
      const close = s.indexOf('*/', k + 2);
      if (close < 0) return -1;
      k = close + 1;
    } else if (c === '/' && s[k + 1] === '/') {
      while (k < s.length && s[k] !== '\n') k++;
    }
  }
  return -1;
}
