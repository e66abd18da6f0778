/**
 * Which functions are HwStorStartIo: the ones whose role is HW_STARTIO (declared with the role type, or
 * registered through `HW_INITIALIZATION_DATA.HwStartIo`), or — in a StorPort file — named like a StartIo
 * routine. Computed once per program.
 */
import { type FunctionDefinition, type Program, type RuleContext, STARTIO_NAMES, STARTIO_ROLE, VIRTUAL_MINIPORT_MARKERS } from '@ddi-lint/core';

const startIoCache = new WeakMap<Program, FunctionDefinition[]>();
const virtualCache = new WeakMap<Program, boolean>();

export function startIoRoutines(context: RuleContext<readonly unknown[]>): FunctionDefinition[] {
  const program = context.program;
  let found = startIoCache.get(program);
  if (!found) {
    const byRole = program.definitions().filter((d) => program.rolesOf(d).some((r) => r.roleType === STARTIO_ROLE));
    const byName = program.definitions().filter((d) => {
      const file = program.fileModel(d.source.filePath);
      return !byRole.includes(d) && STARTIO_NAMES.test(d.name) && file !== undefined && program.driverModel(file) === 'storport';
    });
    found = [...byRole, ...byName];
    startIoCache.set(program, found);
  }
  return found;
}

/** A virtual miniport (VIRTUAL_HW_INITIALIZATION_DATA anywhere in the run). */
export function isVirtualMiniport(context: RuleContext<readonly unknown[]>): boolean {
  const program = context.program;
  let virtual = virtualCache.get(program);
  if (virtual === undefined) {
    virtual = program.files.some((f) => VIRTUAL_MINIPORT_MARKERS.test(f.source.text));
    virtualCache.set(program, virtual);
  }
  return virtual;
}
