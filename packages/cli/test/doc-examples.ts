/** The ```c examples of a rule doc page, classified by the nearest ❌ / ✅ heading above each. */

export interface Example {
  readonly kind: 'incorrect' | 'correct';
  readonly code: string;
  readonly line: number;
}

/** The ```c blocks of a doc page, each classified by the nearest ❌ / ✅ heading above it. */
export function examplesOf(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  let kind: Example['kind'] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^#{1,6} /.test(line)) {
      kind = line.includes('❌') ? 'incorrect' : line.includes('✅') ? 'correct' : /^#{1,3} /.test(line) ? undefined : kind;
      continue;
    }
    if (/^```c\s*$/.test(line) && kind) {
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
      out.push({ kind, code: lines.slice(start, end).join('\n') + '\n', line: start });
      i = end;
    }
  }
  return out;
}
