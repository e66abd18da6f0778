/**
 * What one file declares: function definitions and prototypes with their annotations and role types, callback
 * registrations, `#pragma alloc_text` sections, `#define`d and enum constants, includes.
 */
import type { Annotation } from '../frontend/annotations.js';
import type { ParsedSource, SyntaxNode } from '../frontend/parser.js';
import { forEachNode } from '../frontend/syntax-tree.js';
import { CALL_REGISTRATIONS, DISPATCH_TYPE_ANNOTATIONS, FIELD_REGISTRATIONS } from '../knowledge/registrations.js';
import { REFINEMENT_FIELDS, lookupRole } from '../knowledge/roles.js';
import { type Cfg, buildCfg, unwrapParens } from './cfg.js';
import { macroAsFunction, macroFunctionNode } from './macros.js';
import { type DefineLookup, type Defines, branchTaken, defineLookup } from './preprocessor.js';
import { evaluateConstant } from './constants.js';

/**
 * What kind of code a file is, from its includes: a WDM, KMDF or StorPort kernel driver, or user-mode code (a UMDF 2
 * driver, a test application) to which no kernel IRQL or pool rule applies.
 */
export type DriverModel = 'wdm' | 'kmdf' | 'storport' | 'user';

export interface FunctionDeclaration {
  readonly name: string;
  readonly source: ParsedSource;
  /** The declaration or definition node. */
  readonly node: SyntaxNode;
  /** The name's identifier node. */
  readonly nameNode: SyntaxNode;
  readonly annotations: readonly Annotation[];
  /** A role type this declaration gives the function (`DRIVER_DISPATCH Foo;`, `_Function_class_(…)`). */
  readonly roleType?: string;
  readonly isStatic: boolean;
}

export interface FunctionDefinition extends FunctionDeclaration {
  readonly body: SyntaxNode;
  /**
   * For a project macro analysed as a function (see macros.ts): the `#define` in the file's real tree. The
   * definition's own nodes are in a tree of their own, at the same offsets.
   */
  readonly macro?: SyntaxNode;
  /** The `PAGED_CODE()` call at the top of the body: it asserts the function runs at most at APC_LEVEL. */
  readonly pagedCode?: SyntaxNode;
  /** Parameter names, in order. */
  readonly params: readonly string[];
  /**
   * C++: the class a method belongs to (the class whose body defines it, or `Class::` in its name), without its
   * namespaces or template arguments: calls of a member from another member resolve through it.
   */
  readonly className?: string;
  /** Names declared inside the body (locals), for telling them from parameters and globals. */
  readonly locals: ReadonlySet<string>;
  readonly cfg: Cfg;
  /**
   * The macro lookups the CFG's `#if` branches made, each with its answer (`NAME=value`, `NAME!` not defined,
   * `NAME?` unknown): another build's defines give the same CFG when they answer these the same.
   */
  readonly cfgDefines: readonly string[];
}

/** A definition's body as written (annotations included, unlike `body.text`, which is the parsed text). */
export function bodyText(def: FunctionDefinition): string {
  return def.source.text.slice(def.body.startIndex, def.body.endIndex);
}

/** `annotations` by their start offsets (the same array when it already is). */
function inSourceOrder(annotations: readonly Annotation[]): readonly Annotation[] {
  for (let i = 1; i < annotations.length; i++) {
    if (annotations[i]!.start < annotations[i - 1]!.start) return [...annotations].sort((a, b) => a.start - b.start);
  }
  return annotations;
}

export interface Registration {
  readonly functionName: string;
  readonly roleType: string;
  /** The call or assignment that registers it. */
  readonly site: SyntaxNode;
  readonly via: string;
  /** The IRP major function it is registered for (`IRP_MJ_FLUSH_BUFFERS`), when the registration names one. */
  readonly major?: string;
}

export interface FileModel {
  readonly source: ParsedSource;
  readonly definitions: readonly FunctionDefinition[];
  readonly declarations: readonly FunctionDeclaration[];
  readonly registrations: readonly Registration[];
  /** Functions placed in a pageable section by `#pragma alloc_text(PAGE…, f)`, with the pragma node. */
  readonly pagedSections: ReadonlyMap<string, SyntaxNode>;
  readonly defines: ReadonlyMap<string, string>;
  readonly enumConstants: ReadonlyMap<string, bigint>;
  readonly includes: readonly string[];
  /** Names used as values rather than called (function pointers, registrations). */
  readonly addressTaken: ReadonlySet<string>;
  /** Comments that mention `ddi-lint-` and `#pragma` lines: the candidates for suppression directives. */
  readonly directiveComments: readonly SyntaxNode[];
  readonly pragmas: readonly SyntaxNode[];
  /** Every `x->Field = value` / `x.Field = value` in the file, by field name (for the allocation flow). */
  readonly fieldAssignments: ReadonlyMap<string, readonly SyntaxNode[]>;
  /** Assignments to configuration fields that refine roles (`ConfigInfo->SynchronizationModel = …`). */
  readonly configAssignments: readonly { readonly field: string; readonly value: string; readonly site: SyntaxNode }[];
}

const FILE_WALK_TYPES = new Set([
  'preproc_function_def',
  'preproc_def',
  'enum_specifier',
  'call_expression',
  'assignment_expression',
  'initializer_pair',
  'identifier',
  'comment',
  'preproc_call',
]);

const CONTAINERS = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
  'ERROR',
  // C++: namespaces, classes (inline methods), templates.
  'namespace_definition',
  'class_specifier',
  'struct_specifier',
  'field_declaration_list',
  'template_declaration',
]);

/** The identifier naming the function a declarator declares, if it declares one. */
export function functionNameNode(declarator: SyntaxNode | null): SyntaxNode | undefined {
  let d = declarator;
  while (d) {
    if (d.type === 'function_declarator') {
      let inner = d.childForFieldName('declarator');
      while (inner && inner.type === 'parenthesized_declarator') inner = inner.namedChildren[0] ?? null;
      // C++: a method in its class (field_identifier) or defined outside it (Class::Method), and an operator
      // (`void* __cdecl operator new(size_t Size)`, the pool allocation behind a C++ driver's `new`).
      if (inner?.type === 'identifier' || inner?.type === 'field_identifier' || inner?.type === 'qualified_identifier' || inner?.type === 'operator_name') return inner;
      return undefined;
    }
    if (d.type === 'reference_declarator') {
      d = d.namedChildren.find((c) => c.type.endsWith('declarator')) ?? null;
      continue;
    }
    if (d.type === 'pointer_declarator' || d.type === 'attributed_declarator' || d.type === 'parenthesized_declarator') {
      d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type.endsWith('declarator')) ?? null;
      continue;
    }
    return undefined;
  }
  return undefined;
}

function hasStorageClass(node: SyntaxNode, keyword: string): boolean {
  return node.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === keyword);
}

/** The function a value expression names: `F`, `&F`, `(PKDEFERRED_ROUTINE)F`. */
export function functionReference(expr: SyntaxNode | null | undefined): string | undefined {
  let e = expr ? unwrapParens(expr) : undefined;
  while (e) {
    if (e.type === 'identifier') return e.text;
    // C++: a method by its qualified name (`queueConfig.EvtIoDeviceControl = CQueue::OnIoDeviceControl`), a function
    // by its global one (`::EvtDriverUnload`).
    if (e.type === 'qualified_identifier') return e.childForFieldName('scope') ? e.text.replace(/\s+/g, '') : e.childForFieldName('name')?.text;
    if (e.type === 'cast_expression') e = e.childForFieldName('value') ?? undefined;
    else if (e.type === 'pointer_expression' && e.child(0)?.type === '&') e = e.childForFieldName('argument') ?? undefined;
    else if (e.type === 'parenthesized_expression') e = unwrapParens(e);
    else return undefined;
  }
  return undefined;
}

function roleFromAnnotations(annotations: readonly Annotation[]): string | undefined {
  for (const a of annotations) {
    if (a.name === '_Function_class_' && a.args && lookupRole(a.args.trim())) return a.args.trim();
    if (DISPATCH_TYPE_ANNOTATIONS.has(a.name)) return 'DRIVER_DISPATCH';
  }
  return undefined;
}

export interface FileModelOptions {
  /** The build's macro values (`settings.defines`): they decide `#if` branches inside functions. */
  readonly defines?: Defines;
}

export function buildFileModel(source: ParsedSource, options: FileModelOptions = {}): FileModel {
  const definitions: FunctionDefinition[] = [];
  const declarations: FunctionDeclaration[] = [];
  const registrations: Registration[] = [];
  const pagedSections = new Map<string, SyntaxNode>();
  const defines = new Map<string, string>();
  const enumConstants = new Map<string, bigint>();
  const includes: string[] = [];
  const addressTaken = new Set<string>();
  const configAssignments: { field: string; value: string; site: SyntaxNode }[] = [];
  const fieldAssignments = new Map<string, SyntaxNode[]>();
  // In source order (the blanking finds them left to right), so that a declaration's are found by a binary search.
  const annotations = inSourceOrder(source.annotations);
  let codeSegment: SyntaxNode | undefined;
  // Read when a function's CFG is first built, after this file's #defines are all collected.
  const lookup = defineLookup(options.defines, defines);

  /** Annotations from `from` up to `to` (offsets), in order. */
  const annotationsIn = (from: number, to: number): Annotation[] => {
    let lo = 0;
    let hi = annotations.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (annotations[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Annotation[] = [];
    for (let i = lo; i < annotations.length && annotations[i]!.start < to; i++) out.push(annotations[i]!);
    return out;
  };

  /** `scope`: the C++ class whose body is being visited (its methods' declarations are named `Class::Method`). */
  const visitTopLevel = (container: SyntaxNode, scope?: string, skipAlternative = false): void => {
    let previousEnd = container.type === 'translation_unit' ? 0 : container.startIndex;
    const alternative = skipAlternative ? container.childForFieldName('alternative') : null;
    for (const node of container.namedChildren) {
      if (alternative && node.id === alternative.id) continue;
      switch (node.type) {
        case 'function_definition': {
          const nameNode = functionNameNode(node.childForFieldName('declarator'));
          const body = node.childForFieldName('body');
          if (nameNode && body) {
            const own = annotationsIn(previousEnd, body.startIndex);
            definitions.push(makeDefinition(source, node, nameNode, body, own, undefined, lookup, scope));
            const name = declaredName(nameNode);
            if (codeSegment && !pagedSections.has(name)) pagedSections.set(name, codeSegment);
          }
          break;
        }
        case 'declaration':
          collectDeclarations(source, node, annotationsIn(previousEnd, node.endIndex), declarations);
          break;
        case 'preproc_def': {
          const name = node.childForFieldName('name')?.text;
          const value = node.childForFieldName('value')?.text;
          if (name && !defines.has(name)) defines.set(name, (value ?? '').trim());
          break;
        }
        case 'preproc_include': {
          const path = node.childForFieldName('path')?.text;
          if (path) includes.push(path.replace(/^[<"]|[>"]$/g, ''));
          break;
        }
        case 'preproc_call': {
          const directive = node.childForFieldName('directive')?.text;
          const arg = node.childForFieldName('argument')?.text ?? '';
          const m = directive === '#pragma' ? /^\s*alloc_text\s*\(\s*("?)(PAGE\w*)\1\s*,\s*([^)]*)\)/.exec(arg) : null;
          if (m) for (const fn of m[3].split(',')) if (fn.trim()) pagedSections.set(fn.trim(), node);
          // #pragma code_seg("PAGE") … #pragma code_seg(): every function defined in between is pageable.
          const seg = directive === '#pragma' ? /^\s*code_seg\s*\(\s*(?:"([^"]*)")?/.exec(arg) : null;
          if (seg) codeSegment = seg[1]?.toUpperCase().startsWith('PAGE') ? node : undefined;
          break;
        }
        case 'field_declaration': {
          // A method declared in its class: the annotations there are the ones `_Use_decl_annotations_` means.
          if (!scope || source.language !== 'cpp') break;
          for (const d of node.childrenForFieldName('declarator')) {
            const fnName = functionNameNode(d);
            if (!fnName) continue;
            const own = annotationsIn(previousEnd, node.endIndex);
            declarations.push({ name: `${scope}::${fnName.text}`, source, node, nameNode: fnName, annotations: own, roleType: roleFromAnnotations(own), isStatic: false });
          }
          break;
        }
        default:
          if (CONTAINERS.has(node.type)) {
            const isClass = node.type === 'class_specifier' || node.type === 'struct_specifier';
            const known = PREPROCESSOR_BRANCHES.has(node.type) ? branchTaken(node, lookup) : undefined;
            if (known === false) {
              // A branch the build does not compile (`#if 0`, a name `settings.defines` leaves undefined): only
              // what follows it (`#else`, `#elif`) is code.
              const alternative = node.childForFieldName('alternative');
              if (alternative) visitTopLevel(alternative, scope);
            } else {
              visitTopLevel(node, isClass ? node.childForFieldName('name')?.text ?? scope : scope, known === true);
            }
          }
      }
      // A comment between an annotation and its declaration does not end the annotation's reach.
      if (node.type !== 'comment') previousEnd = node.endIndex;
    }
  };
  visitTopLevel(source.root);

  // One walk over the whole tree for enum constants, registrations, functions used as values, comments and
  // pragmas (suppression directives).
  const functionNames = new Set([...definitions, ...declarations].map((d) => d.name));
  const comments: SyntaxNode[] = [];
  const pragmas: SyntaxNode[] = [];
  const macros: SyntaxNode[] = [];
  forEachNode(source.root, (node) => {
    switch (node.type) {
      case 'enum_specifier': {
        let next = 0n;
        const body = node.childForFieldName('body');
        for (const e of body?.namedChildren ?? []) {
          if (e.type !== 'enumerator') continue;
          const name = e.childForFieldName('name')?.text;
          const valueNode = e.childForFieldName('value');
          let value: bigint | undefined = next;
          if (valueNode) value = evaluateConstant(valueNode.text, (n) => enumConstants.get(n) ?? defines.get(n));
          if (name && value !== undefined) {
            enumConstants.set(name, value);
            next = value + 1n;
          }
        }
        break;
      }
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        if (callee?.type !== 'identifier') break;
        const name = callee.text;
        if (!REGISTRATION_CALLEES.has(name)) break;
        const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
        for (const r of CALL_REGISTRATIONS) {
          if (r.callee !== name) continue;
          const fn = functionReference(args[r.arg]);
          const major = r.majorArg !== undefined ? args[r.majorArg]?.text : undefined;
          if (fn) registrations.push({ functionName: fn, roleType: r.roleType, site: node, via: `${r.callee}(…)`, ...(major ? { major } : {}) });
        }
        break;
      }
      case 'assignment_expression':
      case 'initializer_pair': {
        const target = node.type === 'assignment_expression' ? node.childForFieldName('left') : node.childForFieldName('designator') ?? node.namedChildren[0];
        const value = node.childForFieldName(node.type === 'assignment_expression' ? 'right' : 'value');
        const field = registeredField(target);
        const fn = functionReference(value);
        if (field && fn && FIELD_REGISTRATIONS[field]) {
          registrations.push({ functionName: fn, roleType: FIELD_REGISTRATIONS[field], site: node, via: field });
        }
        if (field && value && REFINEMENT_FIELDS.has(field)) configAssignments.push({ field, value: unwrapParens(value).text.trim(), site: node });
        if (node.type === 'assignment_expression' && target?.type === 'field_expression' && value) {
          const name = target.childForFieldName('field')?.text;
          if (name) {
            const list = fieldAssignments.get(name);
            if (list) list.push(value);
            else fieldAssignments.set(name, [value]);
          }
        }
        break;
      }
      case 'comment':
        if (node.text.includes('ddi-lint-')) comments.push(node);
        break;
      case 'preproc_function_def':
        macros.push(node);
        break;
      case 'preproc_def':
        // Object-like macros only when their uses are calls (`#define LOCK_GLOBAL KeAcquireSpinLock(…)`).
        if (source.callMacros?.has(node.childForFieldName('name')?.text ?? '')) macros.push(node);
        break;
      case 'preproc_call':
        if (node.childForFieldName('directive')?.text === '#pragma') pragmas.push(node);
        break;
      case 'identifier': {
        const parent = node.parent;
        if (!parent) break;
        if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) break;
        if (parent.type === 'function_declarator' || parent.type === 'declaration') break;
        if (parent.type === 'init_declarator' && parent.childForFieldName('declarator')?.id === node.id) break;
        if (parent.type === 'preproc_call' || parent.type === 'argument_list') {
          // An argument: a registration or a pointer passed on.
          addressTaken.add(node.text);
          break;
        }
        addressTaken.add(node.text);
        break;
      }
      default:
        break;
    }
  }, FILE_WALK_TYPES, (type, text) => (type === 'preproc_def' ? source.callMacros !== undefined : type !== 'identifier' || functionNames.has(text())));

  // Project macros that hide DDI calls, as functions (after the real ones: those stay in offset order).
  const defined = new Set(definitions.map((d) => d.name));
  for (const macro of macros) {
    const synthetic = macroAsFunction(source, macro);
    const fn = synthetic && macroFunctionNode(synthetic);
    const nameNode = fn && functionNameNode(fn.childForFieldName('declarator'));
    const body = fn?.childForFieldName('body');
    if (!synthetic || !fn || !nameNode || !body || defined.has(nameNode.text)) continue;
    defined.add(nameNode.text);
    definitions.push(makeDefinition(synthetic, fn, nameNode, body, [], macro, lookup));
  }

  return {
    source,
    definitions,
    declarations,
    registrations,
    pagedSections,
    defines,
    enumConstants,
    includes,
    addressTaken,
    configAssignments,
    fieldAssignments,
    directiveComments: comments,
    pragmas,
  };
}

/** `x->Field`, `x.Field`, `x->MajorFunction[IRP_MJ_READ]`, designator `.Field` → the field name. */
function registeredField(target: SyntaxNode | null | undefined): string | undefined {
  let t = target;
  if (!t) return undefined;
  if (t.type === 'subscript_expression') t = t.childForFieldName('argument');
  if (t?.type === 'field_expression') return t.childForFieldName('field')?.text;
  if (t?.type === 'field_designator') return t.namedChildren[0]?.text ?? t.text.replace(/^\./, '');
  return undefined;
}

/** A function's name as declared: a qualified name without the line breaks and spaces it may be written with (`CDevice::\n    Initialize`). */
function declaredName(nameNode: SyntaxNode): string {
  return nameNode.type === 'qualified_identifier' ? nameNode.text.replace(/\s+/g, '') : nameNode.text;
}

/** A C++ name's segments, without template arguments or spaces: `Ns::Queue<T>::Push` → `Ns`, `Queue`, `Push`. */
function qualifiedParts(name: string): string[] {
  return name.replace(/<[^<>]*>/g, '').replace(/\s+/g, '').split('::');
}

/**
 * The key a C++ method is known by, `Class::Method` (no namespaces, no template arguments), from a qualified name
 * (`Ns::Queue::Push` → `Queue::Push`); undefined for a name without a class.
 */
export function methodKeyOf(qualifiedName: string): string | undefined {
  const parts = qualifiedParts(qualifiedName);
  const className = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return className ? `${className}::${parts[parts.length - 1]}` : undefined;
}

/** A method's key (`methodKeyOf`), from its class and its name as defined (bare in its class, qualified outside). */
export function methodKey(def: { readonly className?: string; readonly name: string }): string | undefined {
  return def.className ? `${def.className}::${qualifiedParts(def.name).pop()}` : undefined;
}

function makeDefinition(
  source: ParsedSource,
  node: SyntaxNode,
  nameNode: SyntaxNode,
  body: SyntaxNode,
  annotations: readonly Annotation[],
  macro?: SyntaxNode,
  defines?: DefineLookup,
  scope?: string,
): FunctionDefinition {
  let cfg: Cfg | undefined;
  let cfgDefines: readonly string[] | undefined;
  let locals: Set<string> | undefined;
  const pagedCode = findPagedCode(body);
  const className = scope !== undefined ? qualifiedParts(scope).pop() : nameNode.type === 'qualified_identifier' ? methodKeyOf(nameNode.text)?.split('::')[0] : undefined;
  const declarator = node.childForFieldName('declarator');
  let fnDeclarator: SyntaxNode | null = declarator;
  while (fnDeclarator && fnDeclarator.type !== 'function_declarator') fnDeclarator = fnDeclarator.childForFieldName('declarator');
  const params: string[] = [];
  for (const p of fnDeclarator?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'identifier') params.push(p.text); // an identifier list: a macro's parameters
    if (p.type !== 'parameter_declaration') continue;
    const id = declaredIdentifier(p.childForFieldName('declarator'));
    if (id) params.push(id);
  }
  return {
    name: declaredName(nameNode),
    source,
    node,
    nameNode,
    body,
    annotations,
    roleType: roleFromAnnotations(annotations),
    // `static` on a method defined in its class is class scope, not file scope: other files may register it.
    isStatic: scope === undefined && hasStorageClass(node, 'static'),
    pagedCode,
    params,
    ...(macro ? { macro } : {}),
    ...(className ? { className } : {}),
    get locals() {
      if (!locals) {
        const found = new Set<string>();
        forEachNode(body, (n) => {
          for (const d of n.childrenForFieldName('declarator')) {
            const id = declaredIdentifier(d);
            if (id) found.add(id);
          }
        }, DECLARATION_TYPES);
        locals = found;
      }
      return locals;
    },
    get cfg() {
      return cfgOfBody();
    },
    get cfgDefines() {
      cfgOfBody();
      return cfgDefines!;
    },
  };

  function cfgOfBody(): Cfg {
    if (!cfg) {
      const read: string[] = [];
      const recorded: DefineLookup | undefined = defines
        ? (name) => {
            const answer = defines(name);
            read.push(`${name}${answer === undefined ? '?' : answer.defined ? `=${answer.value ?? ''}` : '!'}`);
            return answer;
          }
        : undefined;
      cfg = buildCfg(body, {
        ...(recorded ? { branchTaken: (directive: SyntaxNode) => branchTaken(directive, recorded) } : {}),
        ...(source.callMacros ? { callMacros: source.callMacros } : {}),
      });
      cfgDefines = read;
    }
    return cfg;
  }
}

const DECLARATION_TYPES: ReadonlySet<string> = new Set(['declaration']);
const PREPROCESSOR_BRANCHES: ReadonlySet<string> = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif']);
const REGISTRATION_CALLEES: ReadonlySet<string> = new Set(CALL_REGISTRATIONS.map((r) => r.callee));

/** The identifier a (possibly pointer, array or initialised) declarator declares. */
function declaredIdentifier(d: SyntaxNode | null): string | undefined {
  let n = d;
  while (n && n.type !== 'identifier') {
    if (n.type === 'function_declarator') return undefined;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return n?.text;
}

function findPagedCode(body: SyntaxNode): SyntaxNode | undefined {
  for (const stmt of body.namedChildren.slice(0, 8)) {
    const expr = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (expr?.type === 'call_expression' && expr.childForFieldName('function')?.text === 'PAGED_CODE') return expr;
  }
  return undefined;
}

function collectDeclarations(
  source: ParsedSource,
  node: SyntaxNode,
  annotations: readonly Annotation[],
  out: FunctionDeclaration[],
): void {
  const type = node.childForFieldName('type');
  const isStatic = hasStorageClass(node, 'static');
  const role = type && (type.type === 'type_identifier' || type.type === 'identifier') && lookupRole(type.text) ? type.text : undefined;
  for (const d of node.childrenForFieldName('declarator')) {
    const fnName = functionNameNode(d);
    if (fnName) {
      out.push({ name: declaredName(fnName), source, node, nameNode: fnName, annotations, roleType: roleFromAnnotations(annotations), isStatic });
    } else if (role && d.type === 'identifier') {
      // `DRIVER_DISPATCH DispatchRead;` declares DispatchRead as a function of that role.
      out.push({ name: d.text, source, node, nameNode: d, annotations, roleType: role, isStatic });
    }
  }
}

/** Headers only kernel-mode code includes. */
const KERNEL_HEADERS: ReadonlySet<string> = new Set([
  'ntddk.h', 'wdm.h', 'ntifs.h', 'fltkernel.h', 'ndis.h', 'storport.h', 'portcls.h', 'ntstrsafe.h', 'wdmsec.h', 'ntosp.h', 'miniport.h', 'scsi.h', 'netadaptercx.h', 'ntddndis.h',
]);
/** Headers that make a file user-mode code (unless a kernel header is included too, as shared sources do). */
const USER_MODE_HEADERS: ReadonlySet<string> = new Set(['windows.h', 'wudfwdm.h', 'wudfddi.h']);

/**
 * The driver model a file's includes name: `storport.h` → storport, `wdf.h` → kmdf, `windows.h` (or UMDF's own
 * headers) without any kernel header → user, otherwise wdm.
 */
export function driverModelFromIncludes(includes: Iterable<string>): DriverModel | undefined {
  let model: DriverModel | undefined;
  let kernel = false;
  let user = false;
  for (const inc of includes) {
    const base = inc.split(/[\\/]/).pop()!.toLowerCase();
    if (base === 'storport.h') return 'storport';
    if (base === 'wdf.h' || base.startsWith('wdf')) model = 'kmdf';
    if (KERNEL_HEADERS.has(base)) kernel = true;
    else if (USER_MODE_HEADERS.has(base)) user = true;
  }
  return user && !kernel ? 'user' : model;
}
