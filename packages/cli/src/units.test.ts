import { describe, expect, it } from 'vitest';
import { partitionIntoUnits } from './units.js';

const file = (filePath: string, text = '') => ({ filePath, text });
const paths = (units: { filePath: string }[][]) => units.map((u) => u.map((f) => f.filePath));

describe('partitionIntoUnits', () => {
  it('keeps a folder together and separates sibling drivers', () => {
    const units = partitionIntoUnits([file('/r/toaster/func.c'), file('/r/echo/queue.c'), file('/r/toaster/pnp.c'), file('/r/echo/device.c')]);
    expect(paths(units)).toEqual([
      ['/r/echo/device.c', '/r/echo/queue.c'],
      ['/r/toaster/func.c', '/r/toaster/pnp.c'],
    ]);
  });

  it('joins a folder with the nearest folder above it that holds files (the model\'s "same driver")', () => {
    const units = partitionIntoUnits([file('/r/drv/driver.c'), file('/r/drv/sub/helper.c'), file('/r/drv/sub/deeper/x.c'), file('/r/other/y.c')]);
    expect(paths(units)).toEqual([['/r/drv/driver.c', '/r/drv/sub/deeper/x.c', '/r/drv/sub/helper.c'], ['/r/other/y.c']]);
  });

  it('joins sibling folders through a relative include, with backslashes and any case', () => {
    const units = partitionIntoUnits([
      file('/r/drv/sys/queue.c', '#include "..\\Inc\\Public.h"\nvoid f(void) {}\n'),
      file('/r/drv/inc/public.h'),
      file('/r/drv/exe/app.c'),
    ]);
    expect(paths(units)).toEqual([['/r/drv/exe/app.c'], ['/r/drv/inc/public.h', '/r/drv/sys/queue.c']]);
  });

  it('resolves an include that is not beside the includer to the nearest file with that path suffix', () => {
    const units = partitionIntoUnits([
      file('/r/net/a/sys/miniport.c', '  #  include <common/shared.h>\n'),
      file('/r/net/a/lib/common/shared.h'),
      file('/r/usb/b/common/shared.h'),
      file('/r/usb/b/common/x.c'),
    ]);
    expect(paths(units)).toEqual([['/r/net/a/lib/common/shared.h', '/r/net/a/sys/miniport.c'], ['/r/usb/b/common/shared.h', '/r/usb/b/common/x.c']]);
  });

  it('ignores includes of files that are not in the run', () => {
    const units = partitionIntoUnits([file('/r/a/x.c', '#include <ntddk.h>\n#include "x.h"\n'), file('/r/b/y.c', '#include <ntddk.h>\n')]);
    expect(paths(units)).toEqual([['/r/a/x.c'], ['/r/b/y.c']]);
  });

  it('gives the same units in the same order whatever the input order', () => {
    const inputs = [file('/r/c/3.c'), file('/r/a/1.c', '#include "../c/3.h"'), file('/r/c/3.h'), file('/r/b/2.c'), file('/r/a/0.c')];
    const expected = paths(partitionIntoUnits(inputs));
    expect(expected).toEqual([['/r/a/0.c', '/r/a/1.c', '/r/c/3.c', '/r/c/3.h'], ['/r/b/2.c']]);
    for (let i = 0; i < 5; i++) {
      const shuffled = [...inputs].sort(() => Math.random() - 0.5);
      expect(paths(partitionIntoUnits(shuffled))).toEqual(expected);
    }
  });
});
