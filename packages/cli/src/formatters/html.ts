/**
 * One self-contained HTML page: inline CSS, no external resources, no script (files collapse with <details>).
 *
 *   - a summary per rule (count, severity, link to the rule's doc page) and per file;
 *   - then each finding: file:line:column, rule id, message, a code frame, and for findings that carry a trace
 *     (the IRQL path) a small inline SVG diagram of the path — one box per step, naming the function or DDI the
 *     step is about, edges labelled with the IRQL the step mentions — with each step's text and the basis.
 *
 * Everything taken from the results or the sources is escaped, and the markup is also well-formed XML (void
 * elements self-closed, attributes quoted, no bare `&` or `<`), so a strict parser reads it as well as a browser.
 */
import type { LintMessage, RuleMeta, TraceEntry } from '@ddi-lint/core';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Formatter } from './types.js';

/** Escape text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const esc = escapeHtml;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const BASIS_TEXT: Record<string, string> = {
  proven: 'the code itself raised the IRQL on some path',
  contract: 'a documented contract allows the level',
  assumed: 'only the default for a function with no annotation, role or caller',
};

type Lines = string[] | null;

function makeReader(): (filePath: string) => Lines {
  const cache = new Map<string, Lines>();
  return (filePath) => {
    if (!cache.has(filePath)) {
      try {
        cache.set(filePath, readFileSync(filePath, 'utf8').split(/\r?\n/));
      } catch {
        cache.set(filePath, null);
      }
    }
    return cache.get(filePath)!;
  };
}

/** Only http(s) links are emitted: a plugin's docs url is not trusted to be anything else. */
function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** The source lines around a finding, the finding's range marked. */
function codeFrame(lines: Lines, m: LintMessage): string {
  if (!lines || m.fatal || m.line < 1 || m.line > lines.length) return '';
  const endLine = Math.min(Math.max(m.endLine || m.line, m.line), lines.length);
  const markedEnd = Math.min(endLine, m.line + 9);
  const first = Math.max(1, m.line - 2);
  const last = Math.min(lines.length, markedEnd + 2);
  const width = String(last).length;
  const rows: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1];
    const gutter = String(n).padStart(width);
    let body = esc(text);
    if (n >= m.line && n <= markedEnd) {
      const from = n === m.line ? Math.max(0, m.column - 1) : 0;
      let to = n === endLine ? Math.max(0, m.endColumn - 1) : text.length;
      if (to <= from) to = Math.min(text.length, from + 1);
      body = `${esc(text.slice(0, from))}<mark>${esc(text.slice(from, to)) || ' '}</mark>${esc(text.slice(to))}`;
    }
    const cls = n >= m.line && n <= markedEnd ? ' class="hit"' : '';
    rows.push(`<span${cls}><span class="ln">${gutter} |</span> ${body}</span>`);
  }
  return `<pre class="frame">${rows.join('\n')}</pre>`;
}

const LEVEL_RE = /\b(?:PASSIVE|APC|DISPATCH|CMCI|CLOCK|IPI|POWER|PROFILE|HIGH|SYNCH)_LEVEL(?:\.\.(?:[A-Z]+_LEVEL|DIRQL))?\b|\bDIRQL(?:\.\.[A-Z]+_LEVEL)?\b/g;

/** The IRQL (or interval) a step's message mentions — the last one, the level the path continues at. */
export function levelOf(message: string): string | undefined {
  const all = message.match(LEVEL_RE);
  return all?.length ? all[all.length - 1] : undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** What a trace step is about: the caller and callee of a call step, else the function or DDI it starts with. */
export function stepName(message: string): string | undefined {
  const call = /^([A-Za-z_]\w*) calls ([A-Za-z_]\w*)/.exec(message);
  if (call) return `${call[1]} → ${call[2]}`;
  const id = IDENT.exec(message);
  // A message that starts with an ordinary word ("Analysis …") names nothing; C names have a capital or an _.
  return id && /[A-Z_]/.test(id[0]) ? id[0] : undefined;
}

/** The finding's own site: the identifier the reported range starts with (the DDI called), else the message's. */
function siteName(lines: Lines, m: LintMessage): string | undefined {
  const text = lines && m.line >= 1 && m.line <= lines.length ? lines[m.line - 1].slice(Math.max(0, m.column - 1)) : '';
  const id = IDENT.exec(text);
  return id?.[0] ?? stepName(m.message);
}

function where(cwd: string, p: { filePath: string; line: number }): string {
  return `${relative(cwd, p.filePath) || p.filePath}:${p.line}`;
}

const CHAR_W = 7.2; // 12px monospace
const BOX_H = 40;
const GAP = 34;

/** The path as boxes top to bottom, the finding's site last; an edge carries the IRQL its source step mentions. */
function pathSvg(cwd: string, steps: readonly TraceEntry[], site: { name: string; where: string; message: string }, severity: 1 | 2): string {
  const nodes = [
    ...steps.map((t) => ({ name: stepName(t.message) ?? where(cwd, t), where: where(cwd, t), message: t.message, level: levelOf(t.message), site: false })),
    { ...site, level: undefined, site: true },
  ];
  const boxW = Math.ceil(Math.max(...nodes.map((n) => Math.max(n.name.length, n.where.length))) * CHAR_W + 20);
  const labelW = Math.ceil(Math.max(0, ...nodes.map((n) => (n.level ? n.level.length * CHAR_W + 40 : 0))));
  const width = Math.max(boxW, labelW) + 2;
  const height = nodes.length * BOX_H + (nodes.length - 1) * GAP + 2;
  const parts: string[] = [];
  nodes.forEach((n, i) => {
    const y = 1 + i * (BOX_H + GAP);
    const cls = n.site ? (severity === 2 ? 'node site error' : 'node site warning') : 'node';
    parts.push(
      `<g class="${cls}"><title>${esc(`${n.where}  ${n.message}`)}</title>` +
        `<rect x="1" y="${y}" width="${boxW}" height="${BOX_H}" rx="5" ry="5"/>` +
        `<text x="11" y="${y + 17}" class="name">${esc(n.name)}</text>` +
        `<text x="11" y="${y + 32}" class="where">${esc(n.where)}</text></g>`,
    );
    if (i < nodes.length - 1) {
      const x = 24;
      const y1 = y + BOX_H;
      const y2 = y1 + GAP;
      parts.push(
        `<g class="edge"><line x1="${x}" y1="${y1}" x2="${x}" y2="${y2 - 7}"/>` +
          `<polygon points="${x - 5},${y2 - 8} ${x + 5},${y2 - 8} ${x},${y2 - 1}"/>` +
          (n.level ? `<text x="${x + 12}" y="${y1 + GAP / 2 + 4}" class="level">${esc(n.level)}</text>` : '') +
          '</g>',
      );
    }
  });
  const label = `Path: ${nodes.map((n) => n.name).join(', then ')}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="path-diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">` +
    `${parts.join('')}</svg>`
  );
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #656d76; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --error: #cf222e; --warning: #9a6700; --mark: #ffebe9; --mark-w: #fff8c5; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22;
  --line: #30363d; --error: #ff7b72; --warning: #d29922; --mark: #5d1a1a; --mark-w: #4b3b0a; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.meta { color: var(--muted); margin: 0; }
.total { font-weight: 600; font-size: 16px; margin: 10px 0 0; }
.total.error { color: var(--error); } .total.warning { color: var(--warning); } .total.ok { color: #1a7f37; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.sev.error { color: var(--error); } .sev.warning { color: var(--warning); }
details.file { margin: 12px 0; border: 1px solid var(--line); border-radius: 6px; }
details.file > summary { cursor: pointer; padding: 8px 12px; background: var(--panel); border-radius: 6px; font-weight: 600; }
.finding { padding: 10px 14px; border-top: 1px solid var(--line); }
.finding h3 { font-size: 14px; margin: 0 0 4px; font-weight: 600; display: flex; flex-wrap: wrap; gap: 10px; align-items: baseline; }
.finding .message { margin: 4px 0 8px; }
pre.frame { tab-size: 4; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; overflow-x: auto; margin: 6px 0; }
pre.frame > span.hit .ln { color: var(--fg); }
pre.frame .ln { color: var(--muted); user-select: none; }
.error pre.frame mark { background: var(--mark); color: inherit; text-decoration: underline wavy var(--error); }
.warning pre.frame mark { background: var(--mark-w); color: inherit; text-decoration: underline wavy var(--warning); }
.path { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; margin: 8px 0 2px; }
.path ol { margin: 0; padding-left: 22px; }
.path li { margin: 2px 0; }
.path li code.src { display: block; color: var(--muted); white-space: pre-wrap; }
.basis { margin: 6px 0 0; }
svg.path-diagram { flex: none; max-width: 100%; height: auto; }
svg.path-diagram rect { fill: var(--panel); stroke: var(--muted); stroke-width: 1; }
svg.path-diagram .site.error rect { stroke: var(--error); stroke-width: 2; }
svg.path-diagram .site.warning rect { stroke: var(--warning); stroke-width: 2; }
svg.path-diagram text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; fill: var(--fg); }
svg.path-diagram text.where { fill: var(--muted); font-size: 11px; }
svg.path-diagram text.level { fill: var(--accent); font-weight: 600; }
svg.path-diagram line { stroke: var(--muted); stroke-width: 1.5; }
svg.path-diagram polygon { fill: var(--muted); }
`;

interface RuleRow {
  count: number;
  errors: number;
  warnings: number;
}

export const html: Formatter = (results, { cwd, rulesMeta, toolVersion }) => {
  const read = makeReader();
  const rel = (p: string) => relative(cwd, p) || p;
  const rules = new Map<string, RuleRow>();
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    for (const m of r.messages) {
      const id = m.ruleId ?? '';
      const row = rules.get(id) ?? { count: 0, errors: 0, warnings: 0 };
      row.count++;
      if (m.severity === 2) row.errors++;
      else row.warnings++;
      rules.set(id, row);
    }
  }
  const total = errors + warnings;
  const withMessages = results.filter((r) => r.messages.length > 0);
  const ruleLink = (id: string, meta: RuleMeta | undefined, cls = '') => {
    const url = safeUrl(meta?.docs.url);
    const c = cls ? ` class="${cls}"` : '';
    return url ? `<a${c} href="${esc(url)}">${esc(id)}</a>` : `<span${c}>${esc(id)}</span>`;
  };
  const sevBadges = (row: RuleRow) =>
    [row.errors ? '<span class="sev error">error</span>' : '', row.warnings ? '<span class="sev warning">warning</span>' : ''].filter(Boolean).join(' ');

  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<meta name="generator" content="ddi-lint ${esc(toolVersion)}" />`,
    `<title>ddi-lint report: ${esc(total ? plural(total, 'problem') : 'no problems')}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>ddi-lint report</h1>',
    `<p class="meta">ddi-lint ${esc(toolVersion)} · ${plural(results.length, 'file')} linted · paths relative to <code>${esc(cwd)}</code></p>`,
  );
  if (total === 0) out.push('<p class="total ok">✔ No problems found</p>');
  else {
    const summary = `✖ ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
    out.push(`<p class="total ${errors ? 'error' : 'warning'}">${esc(summary)}</p>`);
  }
  out.push('</header>');

  if (total > 0) {
    // Per rule: most findings first.
    out.push('<section id="rules">', '<h2>Rules</h2>', '<table>', '<thead><tr><th>Rule</th><th>Severity</th><th class="num">Findings</th><th>Description</th></tr></thead>', '<tbody>');
    const sorted = [...rules.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
    for (const [id, row] of sorted) {
      const meta = id ? rulesMeta[id] : undefined;
      const name = id ? ruleLink(id, meta, 'mono') : '<span class="mono">(no rule: fatal)</span>';
      out.push(`<tr><td>${name}</td><td>${sevBadges(row)}</td><td class="num">${row.count}</td><td>${esc(meta?.docs.description ?? '')}</td></tr>`);
    }
    out.push('</tbody>', '</table>', '</section>');

    out.push('<section id="files">', '<h2>Files</h2>', '<table>', '<thead><tr><th>File</th><th class="num">Errors</th><th class="num">Warnings</th><th class="num">Suppressed</th></tr></thead>', '<tbody>');
    withMessages.forEach((r, i) => {
      const suppressed = r.suppressedMessages?.length ?? 0;
      out.push(`<tr><td><a class="mono" href="#file-${i + 1}">${esc(rel(r.filePath))}</a></td><td class="num">${r.errorCount}</td><td class="num">${r.warningCount}</td><td class="num">${suppressed}</td></tr>`);
    });
    out.push('</tbody>', '</table>', '</section>');

    out.push('<section id="findings">', '<h2>Findings</h2>');
    withMessages.forEach((r, i) => {
      const file = rel(r.filePath);
      const lines = read(r.filePath);
      const counts = [r.errorCount ? plural(r.errorCount, 'error') : '', r.warningCount ? plural(r.warningCount, 'warning') : ''].filter(Boolean).join(', ');
      out.push(`<details class="file" id="file-${i + 1}" open="open">`, `<summary><span class="mono">${esc(file)}</span> — ${esc(counts || plural(r.messages.length, 'problem'))}</summary>`);
      r.messages.forEach((m, j) => {
        const sev = m.severity === 2 ? 'error' : 'warning';
        const anchor = `f-${i + 1}-${j + 1}`;
        const rule = m.ruleId ? ruleLink(m.ruleId, rulesMeta[m.ruleId], 'mono rule') : '<span class="mono rule">(fatal)</span>';
        out.push(
          `<article class="finding ${sev}" id="${anchor}">`,
          `<h3><a class="mono" href="#${anchor}">${esc(`${file}:${m.line}:${m.column}`)}</a> <span class="sev ${sev}">${sev}</span> ${rule}</h3>`,
          `<p class="message">${esc(m.message)}</p>`,
        );
        const frame = codeFrame(lines, m);
        if (frame) out.push(frame);
        if (m.trace?.length) {
          const site = { name: siteName(lines, m) ?? where(cwd, { filePath: r.filePath, line: m.line }), where: where(cwd, { filePath: r.filePath, line: m.line }), message: m.message };
          out.push('<div class="path">', pathSvg(cwd, m.trace, site, m.severity), '<ol class="steps">');
          for (const t of m.trace) {
            const src = read(t.filePath)?.[t.line - 1]?.trim();
            out.push(`<li><code>${esc(where(cwd, t))}</code> ${esc(t.message)}${src ? `<code class="src">${esc(src)}</code>` : ''}</li>`);
          }
          out.push(`<li><code>${esc(where(cwd, { filePath: r.filePath, line: m.line }))}</code> the finding</li>`, '</ol>', '</div>');
          if (m.basis) out.push(`<p class="basis"><strong>basis:</strong> ${esc(m.basis)}${BASIS_TEXT[m.basis] ? ` — ${esc(BASIS_TEXT[m.basis])}` : ''}</p>`);
        }
        out.push('</article>');
      });
      out.push('</details>');
    });
    out.push('</section>');
  }
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
};
