/** The installed command, as a user runs it: `ddi-lint` from node_modules/.bin, a real process (needs the build). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WDM_DRIVER, project } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'node_modules/.bin/ddi-lint');

describe('the ddi-lint binary', () => {
  it('is linked at the repo root and built', () => {
    expect(existsSync(BIN), 'node_modules/.bin/ddi-lint is missing: run pnpm install').toBe(true);
    expect(existsSync(join(ROOT, 'packages/cli/dist/cli.js')), 'packages/cli/dist is missing: run pnpm build').toBe(true);
    expect(execFileSync(BIN, ['--version'], { encoding: 'utf8' })).toMatch(/^v\d+\.\d+\.\d+\n$/);
  });

  it('lints a directory and exits 1 on errors, 2 on a bad config', () => {
    const dir = project({ 'driver.c': WDM_DRIVER });
    const r = spawnSync(BIN, ['.'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/14:14 +error +ExAllocatePool2 allocates paged pool/);
    expect(r.stdout).toMatch(/✖ 2 problems \(1 error, 1 warning\)/);
    const bad = project({ 'driver.c': WDM_DRIVER, '.ddirc': '{ "rules": { "wdm/Nope": "error" }, "plugins": ["wdm"] }' });
    const r2 = spawnSync(BIN, ['.'], { cwd: bad, encoding: 'utf8' });
    expect(r2.status).toBe(2);
    expect(r2.stderr.trim()).toMatch(/^ddi-lint: .*\.ddirc: rules\.wdm\/Nope: plugin "wdm" has no rule "Nope"$/);
  });
});
