/** LintService in-process: the same results as the CLI's engine, editor texts over disk, ignores, reload. */
import { DdiLint } from 'ddi-lint';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LintService, isConfigFile } from '../src/service.js';
import { HELPER_C, driverFolder } from './fixtures.js';

const dirs: string[] = [];
function folder(): string {
  const dir = driverFolder();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ruleIds = (messages: readonly { ruleId: string | null }[]) => messages.map((m) => m.ruleId);

describe('LintService', () => {
  it('gives what `ddi-lint <folder>` gives for the files on disk', async () => {
    const dir = folder();
    const cli = await new DdiLint({ cwd: dir }).lintFiles([dir]);
    const lint = await new LintService({ cwd: dir }).lintFolder(dir);
    expect([...lint.files.keys()]).toEqual(cli.map((r) => r.filePath));
    for (const r of cli) expect(lint.files.get(r.filePath)!.result.messages).toEqual(r.messages);
    expect(ruleIds(lint.files.get(join(dir, 'helper.c'))!.result.messages)).toEqual(['wdm/IrqlExAllocatePool', 'wdm/UnsafeAllocatePool']);
  });

  it('lints the editor text of open documents, also one not on disk yet, with the rest of the folder', async () => {
    const dir = folder();
    const helper = join(dir, 'helper.c');
    const fixed = HELPER_C.replace('ExAllocatePoolWithTag(PagedPool, Size, HELPER_TAG)', 'ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, HELPER_TAG)');
    const fresh = join(dir, 'fresh.c');
    const lint = await new LintService().lintFolder(dir, new Map([[helper, fixed], [fresh, '#include "driver.h"\nVOID F(VOID) { PVOID p = ExAllocatePool(NonPagedPoolNx, 8); }\n']]));
    expect(lint.files.get(helper)!.result.messages).toEqual([]);
    expect(lint.files.get(helper)!.text).toBe(fixed);
    expect(ruleIds(lint.files.get(fresh)!.result.messages)).toContain('wdm/UnsafeAllocatePool');
    expect(lint.files.get(fresh)!.docsUrl('wdm/UnsafeAllocatePool')).toMatch(/rules\/wdm\/UnsafeAllocatePool\.md$/);
  });

  it('skips the files an ignorePatterns entry excludes', async () => {
    const dir = folder();
    writeFileSync(join(dir, '.ddirc.json'), JSON.stringify({ root: true, extends: ['wdm/recommended'], ignorePatterns: ['helper.c'] }));
    const lint = await new LintService().lintFolder(dir);
    expect([...lint.ignored]).toEqual([join(dir, 'helper.c')]);
    expect(lint.files.has(join(dir, 'helper.c'))).toBe(false);
  });

  it('keeps configs cached until reload()', async () => {
    const dir = folder();
    const helper = join(dir, 'helper.c');
    const service = new LintService();
    expect(ruleIds((await service.lintFolder(dir)).files.get(helper)!.result.messages)).toHaveLength(2);
    writeFileSync(join(dir, '.ddirc.json'), JSON.stringify({ root: true, extends: ['wdm/recommended'], rules: { 'wdm/IrqlExAllocatePool': 'off' } }));
    expect(ruleIds((await service.lintFolder(dir)).files.get(helper)!.result.messages)).toHaveLength(2);
    service.reload();
    expect(ruleIds((await service.lintFolder(dir)).files.get(helper)!.result.messages)).toEqual(['wdm/UnsafeAllocatePool']);
  });

  it('after an edit, parses that file and analyses its functions again and reads the rest back from memory, with fresh results', async () => {
    const dir = folder();
    const helper = join(dir, 'helper.c');
    const debug: string[] = [];
    const service = new LintService({ debug: (line) => debug.push(line) });
    const counts = (): string[] => debug.splice(0).filter((l) => /parses read back|function analyses read back/.test(l));
    await service.lintFolder(dir);
    const [firstParses, firstAnalyses] = counts();
    expect(firstParses).toMatch(/: 0 parses read back from \(memory\), \d+ written/);
    expect(firstAnalyses).toMatch(/: 0 function analyses read back, [1-9]\d* analysed/);

    // The editor's text of helper.c: the paged allocation becomes non-paged.
    const edited = HELPER_C.replace('ExAllocatePoolWithTag(PagedPool, Size, HELPER_TAG)', 'ExAllocatePoolWithTag(NonPagedPoolNx, Size, HELPER_TAG)');
    const again = await service.lintFolder(dir, new Map([[helper, edited]]));
    const [parses, analyses] = counts();
    const files = again.files.size;
    expect(parses).toBe(`${files} files: ${files - 1} parses read back from (memory), 1 written`);
    const [, reused, analysed] = /: (\d+) function analyses read back, (\d+) analysed/.exec(analyses!)!.map(Number);
    expect(reused).toBeGreaterThan(0);
    expect(analysed).toBeGreaterThan(0);
    // The same results as a service that starts from nothing.
    const fresh = await new LintService().lintFolder(dir, new Map([[helper, edited]]));
    for (const [path, file] of fresh.files) expect(again.files.get(path)!.result.messages).toEqual(file.result.messages);
    expect(ruleIds(again.files.get(helper)!.result.messages)).toEqual(['wdm/UnsafeAllocatePool']);

    // reload() forgets them.
    service.reload();
    await service.lintFolder(dir);
    expect(counts()[0]).toMatch(/: 0 parses read back from \(memory\)/);
  });

  it('knows the config file names', () => {
    for (const name of ['.ddirc', '.ddirc.json', '.ddirc.yaml', '.ddirc.yml', '.ddirc.cjs', 'ddi.config.mjs', 'package.json']) expect(isConfigFile(`/x/${name}`)).toBe(true);
    for (const name of ['driver.c', '.ddirc.txt', 'ddi.config.json']) expect(isConfigFile(`/x/${name}`)).toBe(false);
  });
});
