/**
 * `-f html`: one self-contained page. Checked as a strict parser would read it (balanced tags, quoted attributes,
 * no bare `&` or `<`), with every finding, the escaped code frame, and one SVG path diagram per traced finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/formatters/html.js';
import { WDM_DRIVER, project, run } from './helpers.js';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * A strict, XML-ish well-formedness check: after the doctype, every tag is closed in order (void elements must be
 * self-closed), attributes are quoted and unique, `&` only starts a known or numeric entity, and `<` only starts
 * a tag. Text inside <style> and <script> must not contain `<` or `&` either. Returns the problems found.
 */
function wellFormed(page: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let rest = page.replace(/^<!doctype html>\s*/i, '');
  const entity = /^&(?:amp|lt|gt|quot|apos|#39|#\d+|#x[0-9a-f]+);/i;
  let pos = page.length - rest.length;
  while (rest.length) {
    const lt = rest.search(/[<&]/);
    if (lt < 0) break;
    pos += lt;
    rest = rest.slice(lt);
    if (rest[0] === '&') {
      if (!entity.test(rest)) problems.push(`bare & at ${pos}: ${JSON.stringify(rest.slice(0, 20))}`);
      rest = rest.slice(1);
      pos += 1;
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!tag) {
      problems.push(`bad tag or bare < at ${pos}: ${JSON.stringify(rest.slice(0, 40))}`);
      rest = rest.slice(1);
      pos += 1;
      continue;
    }
    const [whole, closing, rawName, attrs, selfClosing] = tag;
    const name = rawName.toLowerCase();
    const names = [...attrs.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)="/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) problems.push(`duplicate attribute in ${whole}`);
    for (const [, value] of attrs.matchAll(/="([^"]*)"/g)) {
      for (let i = value.indexOf('&'); i >= 0; i = value.indexOf('&', i + 1)) {
        if (!entity.test(value.slice(i))) problems.push(`bare & in attribute of ${whole}`);
      }
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> at ${pos} closes <${open ?? 'nothing'}>`);
    } else if (VOID.has(name) && !selfClosing) {
      problems.push(`void <${name}> not self-closed at ${pos}`);
    } else if (!selfClosing) {
      stack.push(name);
    }
    rest = rest.slice(whole.length);
    pos += whole.length;
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

/** The WDM driver plus a line with `<`, `&` and markup in it, in a second file that is also linted. */
const MARKUP_LINE = '    if (Length < 16 && Flags & 1) { Extra = ExAllocatePoolWithTag(NonPagedPoolNx, 8, \'<b>&\'); } /* <script>alert("x")</script> */';
const MARKUP_DRIVER = `#include <ntddk.h>

VOID Helper(PDEVICE_EXTENSION Extension, ULONG Length, ULONG Flags)
{
    PVOID Extra = NULL;
${MARKUP_LINE}
    Extension->Extra = Extra;
}
`;

interface Message {
  ruleId: string | null;
  message: string;
  line: number;
  column: number;
  trace?: { message: string; line: number; filePath: string }[];
  basis?: string;
}

async function lint(files: Record<string, string>) {
  const dir = project(files);
  const page = await run(['-f', 'html', '.'], dir);
  const json = await run(['-f', 'json', '.'], dir);
  const results = JSON.parse(json.stdout) as { filePath: string; messages: Message[] }[];
  return { dir, page, results, messages: results.flatMap((r) => r.messages.map((m) => ({ ...m, file: r.filePath.slice(dir.length + 1) }))) };
}

describe('html formatter', () => {
  it('writes one well-formed page with every finding, escaped code frames and one SVG per traced finding', async () => {
    const { page, messages } = await lint({ 'driver.c': WDM_DRIVER, 'helper.c': MARKUP_DRIVER });
    expect(page.code).toBe(1);
    const out = page.stdout;
    expect(out.startsWith('<!doctype html>')).toBe(true);
    expect(out.trimEnd().endsWith('</html>')).toBe(true);
    expect(wellFormed(out)).toEqual([]);
    // Self-contained: nothing fetched from elsewhere.
    expect(out).not.toMatch(/<(?:link|script|img|iframe)\b|\bsrc="|url\(|@import/i);

    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const m of messages) {
      expect(out).toContain(escapeHtml(m.ruleId!));
      expect(out).toContain(escapeHtml(m.message));
      expect(out).toContain(escapeHtml(`${m.file}:${m.line}:${m.column}`));
    }
    const traced = messages.filter((m) => m.trace?.length);
    expect(traced.length).toBeGreaterThan(0);
    expect(out.match(/<svg\b/g)?.length).toBe(traced.length);
    expect(out.match(/<\/svg>/g)?.length).toBe(traced.length);

    // The source line with markup in it is shown, escaped; its raw form is nowhere in the page.
    expect(messages.some((m) => m.file === 'helper.c' && m.line === 6)).toBe(true);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain("'<b>&'");
    expect(out).toContain('Length &lt; 16 &amp;&amp; Flags &amp; 1');
    expect(out).toContain('&#39;&lt;b&gt;&amp;&#39;');
    expect(out).toContain('/* &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; */');

    // Summary per rule, with the doc link, and per file.
    expect(out).toContain('✖ 3 problems (1 error, 2 warnings)');
    expect(out).toMatch(/<a class="mono" href="https:\/\/[^"]+\/IrqlExAllocatePool\.md">wdm\/IrqlExAllocatePool<\/a><\/td><td><span class="sev error">error<\/span><\/td><td class="num">1<\/td>/);
    expect(out).toMatch(/wdm\/UnsafeAllocatePool<\/a><\/td><td><span class="sev warning">warning<\/span><\/td><td class="num">2<\/td>/);
    expect(out).toMatch(/<a class="mono" href="#file-\d">driver\.c<\/a><\/td><td class="num">1<\/td><td class="num">1<\/td>/);
    expect(out).toMatch(/<a class="mono" href="#file-\d">helper\.c<\/a><\/td><td class="num">0<\/td><td class="num">1<\/td>/);
  });

  it('draws the IRQL path: a box per step naming its function or DDI, edges labelled with the IRQL, and the basis', async () => {
    const { page, messages } = await lint({ 'driver.c': WDM_DRIVER });
    const out = page.stdout;
    const finding = messages.find((m) => m.trace?.length)!;
    expect(finding.ruleId).toBe('wdm/IrqlExAllocatePool');
    for (const t of finding.trace!) expect(out).toContain(escapeHtml(t.message));
    const svg = /<svg\b[\s\S]*?<\/svg>/.exec(out)![0];
    const boxes = [...svg.matchAll(/<text [^>]*class="name">([^<]*)<\/text>/g)].map((b) => b[1]);
    const edges = [...svg.matchAll(/<text [^>]*class="level">([^<]*)<\/text>/g)].map((b) => b[1]);
    expect(boxes).toEqual(['KeAcquireSpinLock', 'ExAllocatePool2']);
    expect(edges).toEqual(['DISPATCH_LEVEL']);
    expect(svg.match(/<rect\b/g)?.length).toBe(finding.trace!.length + 1);
    expect(svg).toContain('driver.c:13');
    expect(out).toContain('<strong>basis:</strong> proven');
  });

  it('follows a path across files and calls, the call step named by caller and callee', async () => {
    const dir = project({
      'dispatch.c': `#include <ntddk.h>
DRIVER_DISPATCH DispatchWrite;
VOID StageBuffer(PDEVICE_EXTENSION Extension);
_Use_decl_annotations_
NTSTATUS DispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_EXTENSION ext = DeviceObject->DeviceExtension;
    KLOCK_QUEUE_HANDLE handle;
    KeAcquireInStackQueuedSpinLock(&ext->Lock, &handle);
    StageBuffer(ext);
    KeReleaseInStackQueuedSpinLock(&handle);
    UNREFERENCED_PARAMETER(Irp);
    return STATUS_SUCCESS;
}
`,
      'stage.c': `#include <ntddk.h>
VOID StageBuffer(PDEVICE_EXTENSION Extension)
{
    Extension->Stage = ExAllocatePool2(POOL_FLAG_PAGED, PAGE_SIZE, 'gtsS');
}
`,
    });
    const r = await run(['-f', 'html', '-o', 'out/report.html', '.'], dir);
    expect(r.code).toBe(1);
    const out = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(wellFormed(out)).toEqual([]);
    const svgs = out.match(/<svg\b[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(1);
    const boxes = [...svgs[0].matchAll(/class="name">([^<]*)</g)].map((b) => b[1]);
    expect(boxes).toEqual(['KeAcquireInStackQueuedSpinLock', 'DispatchWrite → StageBuffer', 'ExAllocatePool2']);
    const edges = [...svgs[0].matchAll(/class="level">([^<]*)</g)].map((b) => b[1]);
    expect(edges).toEqual(['DISPATCH_LEVEL', 'DISPATCH_LEVEL']);
    expect(out).toContain('DispatchWrite calls StageBuffer at DISPATCH_LEVEL');
    // Each step shows its own source line.
    expect(out).toContain('<code class="src">StageBuffer(ext);</code>');
  });

  it('writes a page for a clean run too', async () => {
    const dir = project({ 'clean.c': '#include <ntddk.h>\nVOID Nothing(VOID) { }\n' });
    const r = await run(['-f', 'html', '.'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).toContain('No problems found');
    expect(r.stdout).not.toContain('<svg');
    expect(wellFormed(r.stdout)).toEqual([]);
  });

  it('is listed in --help', async () => {
    const r = await run(['--help'], project({}));
    expect(r.stdout).toMatch(/-f, --format NAME\|PATH .*\bhtml\b/);
  });
});

describe('the well-formedness check itself', () => {
  it('catches the mistakes it is for', () => {
    expect(wellFormed('<!doctype html><p>a &amp; b &lt; c</p>')).toEqual([]);
    expect(wellFormed('<!doctype html><p>a & b</p>')).toHaveLength(1);
    expect(wellFormed('<!doctype html><p>a < b</p>')).toHaveLength(1);
    expect(wellFormed('<!doctype html><p><b>x</p></b>')).not.toEqual([]);
    expect(wellFormed('<!doctype html><p><meta charset="utf-8"></p>')).toHaveLength(1);
    expect(wellFormed('<!doctype html><p class=x>y</p>')).not.toEqual([]);
    expect(wellFormed('<!doctype html><div>')).toEqual(['unclosed: div']);
  });
});
