/**
 * The html report rendered by a real browser: headless Chromium (Debian's `chromium`; .ci/run installs it when it
 * is missing) loads the page and dumps the DOM it built; every finding must be on it, with one diagram per
 * IRQL path. Without Chromium on the machine the test says so and is skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe.skipIf(!CHROMIUM)('html report in headless Chromium', () => {
  it('shows every finding of the examples, and one path diagram per traced finding', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ddi-lint-html-')), 'report.html');
    await run(['-f', 'html', '-o', out, 'examples'], ROOT);
    const results = JSON.parse((await run(['-f', 'json', 'examples'], ROOT)).stdout) as {
      messages: { ruleId: string; message: string; trace?: unknown[] }[];
    }[];
    const profile = mkdtempSync(join(tmpdir(), 'ddi-lint-chromium-'));
    const dom = execFileSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        pathToFileURL(out).href,
      ],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const messages = results.flatMap((r) => r.messages);
    expect(messages.length).toBe(15);
    for (const m of messages) {
      expect(dom, `rendered page shows ${m.ruleId}`).toContain(m.ruleId);
      expect(dom.includes(escapeHtml(m.message)) || dom.includes(m.message), `rendered page shows: ${m.message}`).toBe(true);
    }
    const traced = messages.filter((m) => m.trace?.length).length;
    expect((dom.match(/<svg[\s>]/g) ?? []).length).toBe(traced);
  }, 90_000);
});

if (!CHROMIUM) console.warn('html-render.test.ts: no Chromium on this machine; the rendering test is skipped');
