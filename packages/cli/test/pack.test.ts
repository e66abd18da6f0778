/**
 * Release test: what npm users get. Packs every publishable package with `pnpm pack` (from the built `dist/`, as
 * `pnpm test` leaves it), installs all the tarballs into an empty project with npm (external dependencies such as
 * tree-sitter come from the registry), and runs the installed `ddi-lint` on a copy of examples/wdm-ramdisk.
 *
 * Needs the npm registry. Where it cannot be reached, DDI_SKIP_PACK=1 skips the install step; nothing else does:
 * a release that npm cannot install fails here.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PACKAGES = ['core', 'plugin-wdm', 'plugin-kmdf', 'plugin-storport', 'rule-tester', 'cli'] as const;
/** Packages whose tarball still carries dist/.tsbuildinfo (harmless build state, 40 KB); shrink this set. */
const KEEPS_TSBUILDINFO = new Set<string>(['core']);
const INSTALL_TIMEOUT = 180_000;
const SKIP_INSTALL = !!process.env.DDI_SKIP_PACK;
if (SKIP_INSTALL) console.warn('pack.test.ts: DDI_SKIP_PACK is set, so the tarballs are packed and checked but not installed with npm or run.');

/** The pnpm the repo pins (corepack), or the one on PATH. */
function pnpm(args: readonly string[], cwd: string): string {
  const env = { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };
  const tries: [string, string[]][] = [
    ['corepack', ['pnpm', ...args]],
    ['pnpm', [...args]],
  ];
  let last: SpawnSyncReturns<string> | undefined;
  for (const [cmd, argv] of tries) {
    const r = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return r.stdout;
    last = r;
  }
  throw new Error(`pnpm ${args.join(' ')} failed in ${cwd}:\n${last?.error?.message ?? ''}${last?.stdout ?? ''}${last?.stderr ?? ''}`);
}

/** The files and package.json inside a tarball. */
function tarball(file: string): { files: string[]; manifest: Record<string, unknown> } {
  const files = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  return { files, manifest };
}

let work: string;
const tarballs = new Map<string, string>();

describe('the packed packages', () => {
  beforeAll(() => {
    for (const p of PACKAGES) {
      expect(existsSync(join(ROOT, 'packages', p, 'dist/index.js')), `packages/${p}/dist is missing: build first (pnpm build, or npx tsc -b)`).toBe(true);
    }
    work = mkdtempSync(join(tmpdir(), 'ddi-lint-pack-'));
    const dest = join(work, 'tarballs');
    mkdirSync(dest);
    for (const p of PACKAGES) {
      const before = new Set(readdirSync(dest));
      pnpm(['pack', '--pack-destination', dest], join(ROOT, 'packages', p));
      const made = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
      expect(made, `pnpm pack in packages/${p}`).toHaveLength(1);
      tarballs.set(p, join(dest, made[0]));
    }
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('have publishable manifests: no workspace: ranges, engines.node >=20, the files they need', () => {
    for (const p of PACKAGES) {
      const { files, manifest } = tarball(tarballs.get(p)!);
      const source = JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')) as { name: string; version: string };
      expect(manifest.name).toBe(source.name);
      expect(manifest.version).toBe(source.version);
      expect(JSON.stringify(manifest), `${p}: a workspace: range is left in the packed package.json`).not.toContain('workspace:');
      expect((manifest.engines as { node?: string } | undefined)?.node, `${p}: engines.node`).toBe('>=20');
      expect(files, p).toContain('package.json');
      expect(files, p).toContain('dist/index.js');
      expect(files, p).toContain('dist/index.d.ts');
      // Nothing but the build output, data and docs: no sources or tests, and no tsc build state (except in
      // @ddi-lint/core, whose `files` still ship dist/.tsbuildinfo: its owners have yet to add "!dist/.tsbuildinfo").
      expect(files.filter((f) => /^(src|test)\/|\.test\./.test(f)), p).toEqual([]);
      if (!KEEPS_TSBUILDINFO.has(p)) expect(files, p).not.toContain('dist/.tsbuildinfo');
      // Every export target that a consumer resolves (not the repo's own source condition) is in the tarball.
      for (const target of exportTargets(manifest.exports)) expect(files, `${p}: export ${target}`).toContain(target.replace(/^\.\//, ''));
    }
    const core = tarball(tarballs.get('core')!).files;
    expect(core).toContain('data/ddi-functions.tsv');
    expect(core).toContain('NOTICE.md');
    const cli = tarball(tarballs.get('cli')!);
    expect(cli.files).toContain('bin/ddi-lint.js');
    expect(cli.files).toContain('dist/formatters/html.js');
    expect(cli.manifest.bin).toEqual({ 'ddi-lint': './bin/ddi-lint.js' });
  });

  (SKIP_INSTALL ? it.skip : it)(
    `install with npm into an empty project, and the installed ddi-lint lints examples/wdm-ramdisk${SKIP_INSTALL ? ' (skipped: DDI_SKIP_PACK is set)' : ''}`,
    () => {
      const app = join(work, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ddi-lint-pack-test', version: '0.0.0', private: true }, null, 2));
      // npm, not pnpm: a clean environment, as a user's, without the workspace's settings. The log goes to a file
      // (npm's resolver can loop on conflicting peer dependencies: the tail of the log shows where).
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)));
      const log = join(work, 'npm-install.log');
      const fd = openSync(log, 'w');
      const started = Date.now();
      const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=silly', ...PACKAGES.map((p) => tarballs.get(p)!)], {
        cwd: app,
        env,
        stdio: ['ignore', fd, fd],
        timeout: INSTALL_TIMEOUT,
      });
      closeSync(fd);
      if (install.status !== 0) {
        const why = install.error?.message.includes('ETIMEDOUT') || install.signal
          ? `did not finish within ${INSTALL_TIMEOUT / 1000} s (killed after ${Math.round((Date.now() - started) / 1000)} s)`
          : `exited with ${install.status}${install.error ? ` (${install.error.message})` : ''}`;
        const tail = readFileSync(log, 'utf8').split('\n').filter((l) => !/Unknown user config/.test(l)).slice(-25).join('\n');
        expect.fail(`npm install of the packed tarballs ${why}. Set DDI_SKIP_PACK=1 to skip this step only where the npm registry cannot be reached. Last lines of npm's log:\n${tail}`);
      }

      const bin = join(app, 'node_modules/.bin/ddi-lint');
      expect(existsSync(bin)).toBe(true);
      // The installed copy resolves its own @ddi-lint packages, not the workspace's.
      for (const p of ['core', 'plugin-wdm', 'plugin-kmdf', 'plugin-storport', 'rule-tester']) {
        expect(existsSync(join(app, 'node_modules/@ddi-lint', p, 'package.json')), `@ddi-lint/${p} installed`).toBe(true);
      }

      const version = spawnSync(bin, ['--version'], { cwd: app, env, encoding: 'utf8' });
      const cliVersion = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
      expect(version.status).toBe(0);
      expect(version.stdout).toBe(`v${cliVersion}\n`);

      cpSync(join(ROOT, 'examples/wdm-ramdisk'), join(app, 'wdm-ramdisk'), { recursive: true });
      const lint = spawnSync(bin, ['wdm-ramdisk'], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
      expect(lint.stderr).toBe('');
      expect(lint.status).toBe(1);
      expect(lint.stdout).toContain('✖ 6 problems (3 errors, 3 warnings)');
      expect(lint.stdout).toMatch(/wdm-ramdisk\/io\.c:123 {2}KeAcquireSpinLock raises the IRQL to DISPATCH_LEVEL/);
      // The same findings as the workspace's own build gives, run on the same copy.
      const workspace = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/ddi-lint.js'), 'wdm-ramdisk'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
      expect(lint.stdout).toBe(workspace.stdout);

      // The rule tester installs and loads on its own as well.
      const tester = spawnSync(process.execPath, ['--input-type=module', '-e', "import('@ddi-lint/rule-tester').then((m) => console.log(typeof m.RuleTester))"], {
        cwd: app,
        env,
        encoding: 'utf8',
      });
      expect(tester.stderr).toBe('');
      expect(tester.stdout.trim()).toBe('function');
    },
    INSTALL_TIMEOUT + 120_000,
  );
});

/** Files named by an `exports` map, for every condition but the workspace-only `@ddi-lint/source`. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (!exports || typeof exports !== 'object') return [];
  return Object.entries(exports as Record<string, unknown>).flatMap(([key, value]) => (key === '@ddi-lint/source' ? [] : exportTargets(value)));
}
