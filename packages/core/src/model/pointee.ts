/**
 * What a function stores in a local that it passes by address: the values written to `name.field` (or given in
 * its initializer), when every write to the local is one the function shows. Used for the DDIs whose IRQL bound
 * depends on the value an argument points to (`KeWaitForSingleObject(…, &timeout)`: a non-zero
 * `timeout.QuadPart` needs <= APC_LEVEL, as the header's `_When_(Timeout->QuadPart != 0, …)` says).
 *
 * Undefined — nothing known — when the local is not the function's own, when its address goes anywhere but a
 * call that only reads it, when it is written otherwise than `name.field = value` (another field, `++`, `+=`, a
 * copy of the whole), or when it is never written.
 */
import { type SyntaxNode, forEachNode } from '../frontend/syntax-tree.js';
import { calleeName } from './syntax.js';
import type { FunctionDefinition } from './file-model.js';

export interface StoredValue {
  /** The expression written (the right-hand side, or the initializer's value). */
  readonly expression: SyntaxNode;
  /** The assignment or declaration that writes it. */
  readonly site: SyntaxNode;
}


/**
 * The values `def` stores in `name.field` for the local `name` whose address it passes to `readers` only
 * (callees that read the pointee and never write it).
 */
export function valuesStoredIn(def: FunctionDefinition, name: string, field: string, readers: ReadonlySet<string>): StoredValue[] | undefined {
  if (!def.locals.has(name) || def.params.includes(name)) return undefined;
  const stored: StoredValue[] = [];
  let unknown = false;
  forEachNode(
    def.body,
    (id) => {
      if (unknown) return;
      const use = classify(id, field, readers);
      if (use === 'unknown') unknown = true;
      else if (use !== 'read') stored.push(use);
    },
    'identifier',
    (_, text) => text() === name,
  );
  return unknown || !stored.length ? undefined : stored;
}

function classify(id: SyntaxNode, field: string, readers: ReadonlySet<string>): StoredValue | 'read' | 'unknown' {
  const use = outsideParentheses(id);
  const parent = use.parent;
  if (!parent) return 'read';
  switch (parent.type) {
    case 'init_declarator': {
      if (parent.childForFieldName('declarator')?.id !== id.id) return 'read';
      const value = parent.childForFieldName('value');
      return value ? initializerValue(value, field, parent) : 'read';
    }
    case 'field_expression': {
      if (parent.childForFieldName('argument')?.id !== use.id) return 'read';
      // The whole member path (`t.u.LowPart`): only `t.<field>` itself is followed.
      let target = parent;
      for (;;) {
        const outer = outsideParentheses(target);
        const up = outer.parent;
        if (up?.type !== 'field_expression' || up.childForFieldName('argument')?.id !== outer.id) break;
        target = up;
      }
      if (addressGoesElsewhere(target, readers)) return 'unknown';
      const written = writeOf(outsideParentheses(target));
      if (!written) return 'read';
      const isField = target.id === parent.id && parent.childForFieldName('field')?.text === field && parent.childForFieldName('operator')?.text !== '->';
      return isField && written !== 'unknown' ? written : 'unknown';
    }
    case 'pointer_expression':
      return addressGoesElsewhere(use, readers) ? 'unknown' : 'read';
    case 'argument_list': {
      // Passed as it is: an array would be its address.
      const callee = parent.parent?.type === 'call_expression' ? calleeName(parent.parent) : undefined;
      return callee && readers.has(callee) ? 'read' : 'unknown';
    }
    case 'assignment_expression':
    case 'update_expression':
      // The whole local copied or changed: not a write this module follows.
      return writeOf(use) ? 'unknown' : 'read';
    default:
      return 'read';
  }
}

/** The node itself, or the outermost parentheses around it. */
function outsideParentheses(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** Whether `&node` is taken anywhere but as an argument of a reader (a call that only reads through it). */
function addressGoesElsewhere(node: SyntaxNode, readers: ReadonlySet<string>): boolean {
  const address = outsideParentheses(node).parent;
  if (address?.type !== 'pointer_expression' || !address.text.trimStart().startsWith('&')) return false;
  const use = outsideParentheses(address);
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : null;
  const callee = call?.type === 'call_expression' ? calleeName(call) : undefined;
  return !(callee && readers.has(callee));
}

/** How `target` is written where it stands: `target = value`, some other write ('unknown'), or not at all. */
function writeOf(target: SyntaxNode): StoredValue | 'unknown' | undefined {
  const parent = target.parent;
  if (!parent) return undefined;
  if (parent.type === 'update_expression') return 'unknown';
  if (parent.type !== 'assignment_expression' || parent.childForFieldName('left')?.id !== target.id) return undefined;
  const operator = parent.childForFieldName('operator')?.text ?? parent.children[1]?.text;
  const right = parent.childForFieldName('right');
  return operator === '=' && right ? { expression: right, site: parent } : 'unknown';
}

/**
 * `= { .field = value }`, or one positional value: `= {0}`, `= { -1 }`. A positional value fills the first member
 * (LARGE_INTEGER's is its low part, the rest zeroed), so it is zero exactly when the field it stands for is.
 */
function initializerValue(value: SyntaxNode, field: string, site: SyntaxNode): StoredValue | 'unknown' {
  if (value.type !== 'initializer_list') return 'unknown';
  const [first, ...rest] = value.namedChildren.filter((c) => c.type !== 'comment');
  if (!first) return 'unknown';
  if (first.type === 'initializer_pair') {
    const designator = first.childForFieldName('designator') ?? first.namedChildren[0];
    const member = first.childForFieldName('value');
    if (rest.length || !member || designator?.text.replace(/^\./, '') !== field) return 'unknown';
    return { expression: member, site };
  }
  return rest.length || first.type === 'initializer_list' ? 'unknown' : { expression: first, site };
}
