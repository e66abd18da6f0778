/**
 * Rule options are checked against the rule's `meta.schema` (an array: one JSON schema per positional option)
 * before the rule runs. This validator covers the subset of JSON Schema rules use: type, enum, const,
 * properties, required, additionalProperties, items, minItems, maxItems, minimum, maximum, minLength, pattern.
 */
export type JsonSchema = {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly description?: string;
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Problems with `value` at `path`, as "path: reason" strings; empty when valid. */
export function validateSchema(value: unknown, schema: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type as string];
    const actual = typeOf(value);
    const ok = allowed.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return [`${path}: expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}`];
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) problems.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: must be <= ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${path}: must have at least ${schema.minLength} characters`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: must match /${schema.pattern}/`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: must have at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => problems.push(...validateSchema(v, schema.items!, `${path}[${i}]`)));
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) problems.push(`${path}: "${key}" is required`);
    for (const [key, v] of Object.entries(obj)) {
      const prop = schema.properties?.[key];
      if (prop) problems.push(...validateSchema(v, prop, `${path}.${key}`));
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {});
        problems.push(`${path}: unknown option "${key}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        problems.push(...validateSchema(v, schema.additionalProperties, `${path}.${key}`));
      }
    }
  }
  return problems;
}

/** Check a rule's options against its `meta.schema`; `schema: false` or absent accepts anything, `[]` nothing. */
export function validateRuleOptions(options: readonly unknown[], schema: readonly object[] | false | undefined): string[] {
  if (schema === undefined || schema === false) return [];
  if (options.length > schema.length) {
    return [`the rule takes ${schema.length === 0 ? 'no options' : `at most ${schema.length} option(s)`}, got ${options.length}`];
  }
  return options.flatMap((o, i) => validateSchema(o, schema[i] as JsonSchema, `option ${i + 1}`));
}
