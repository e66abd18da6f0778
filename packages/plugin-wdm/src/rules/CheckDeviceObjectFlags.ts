/**
 * wdm/CheckDeviceObjectFlags — Microsoft's DDI compliance rule of the same name: a bus driver keeps the power
 * flags of the PDOs it creates consistent with its FDO. A PDO whose DO_POWER_PAGABLE / DO_POWER_INRUSH setting
 * differs from the FDO's breaks the power manager's rules for the stack (a non-pageable parent with pageable
 * children, an inrush child under a parent that is not).
 */
import { type FunctionDefinition, type SyntaxNode, bodyText, defineRule } from '@ddi-lint/core';
import { docsUrl } from '../docs-url.js';

const FLAGS = ['DO_POWER_PAGABLE', 'DO_POWER_INRUSH'] as const;

/** The power flags a function sets on device objects (`x->Flags |= DO_POWER_PAGABLE`), and clears. */
function flagsSetIn(fn: FunctionDefinition): { set: Set<string>; cleared: Set<string> } {
  const body = bodyText(fn).replace(/\s+/g, '');
  const set = new Set<string>();
  const cleared = new Set<string>();
  for (const flag of FLAGS) {
    if (new RegExp(`Flags\\|=[^;]*\\b${flag}\\b`).test(body) || new RegExp(`Flags=[^;]*\\b${flag}\\b`).test(body)) set.add(flag);
    if (new RegExp(`Flags&=~\\(?[^;]*\\b${flag}\\b`).test(body)) cleared.add(flag);
  }
  return { set, cleared };
}

export default defineRule({
  meta: {
    type: 'problem',
    docs: {
      description: 'A bus driver sets DO_POWER_PAGABLE and DO_POWER_INRUSH on the PDOs it creates as on its FDO.',
      url: docsUrl('wdm', 'CheckDeviceObjectFlags'),
      recommended: 'strict',
      microsoftRule: 'CheckDeviceObjectFlags',
    },
    messages: {
      mismatch: 'This PDO is created without {{flag}}, which the FDO (created in {{fdo}}) has: keep the power flags of the PDOs consistent with the FDO.',
      extra: 'This PDO is created with {{flag}}, which the FDO (created in {{fdo}}) does not have: keep the power flags of the PDOs consistent with the FDO.',
    },
    schema: [],
  },
  create(context) {
    return {
      call_expression(node: SyntaxNode) {
        if (context.calleeName(node) !== 'IoCreateDevice') return;
        const fn = context.functionAt(node);
        if (!fn) return;
        const program = context.program;
        // The FDO is created in AddDevice; a device created anywhere else by the same driver is a PDO.
        if (program.rolesOf(fn).some((r) => r.roleType === 'DRIVER_ADD_DEVICE')) return;
        const home = program.fileModel(fn.source.filePath)!;
        const addDevice = program.definitions().find(
          (d) =>
            program.sameDriver(program.fileModel(d.source.filePath)!, home) &&
            program.rolesOf(d).some((r) => r.roleType === 'DRIVER_ADD_DEVICE') &&
            /IoCreateDevice/.test(d.source.text.slice(d.body.startIndex, d.body.endIndex)),
        );
        if (!addDevice) return;
        const fdo = flagsSetIn(addDevice);
        const pdo = flagsSetIn(fn);
        for (const flag of FLAGS) {
          if (fdo.set.has(flag) && !pdo.set.has(flag)) context.report({ node, messageId: 'mismatch', data: { flag, fdo: addDevice.name } });
          else if (pdo.set.has(flag) && !fdo.set.has(flag)) context.report({ node, messageId: 'extra', data: { flag, fdo: addDevice.name } });
        }
      },
    };
  },
});
