/**
 * The shape of Microsoft's IrqlExFree1/2/3 rules: ExFreePool / ExFreePoolWithTag at IRQL <= DISPATCH_LEVEL, and at
 * DISPATCH_LEVEL only for memory allocated non-paged. Each rule tracks the allocations of some allocators (1:
 * ExAllocatePoolWithTag, 2: ExAllocatePoolWithTagPriority, 3: any), followed from the allocation to the free
 * through locals, structure fields, helper returns and parameters.
 */
import { type AllocationSite, Level, type RuleModule, defineRule, formatInterval } from '@ddi-lint/core';
import { allocationRelated, whereIs } from './pool-format.js';

export const FREE_ROUTINES = new Set(['ExFreePool', 'ExFreePoolWithTag', 'ExFreePool2', 'ExFreePoolWithQuotaTag']);

export interface IrqlExFreeOptions {
  readonly tracks: (site: AllocationSite) => boolean;
  /** Also report any free above DISPATCH_LEVEL (only the rule that tracks every allocator does, to avoid repeats). */
  readonly checkAboveDispatch: boolean;
  readonly docs: RuleModule['meta']['docs'];
}

export function createIrqlExFreeRule(options: IrqlExFreeOptions): RuleModule {
  return defineRule({
    meta: {
      type: 'problem',
      docs: options.docs,
      messages: {
        aboveDispatch: '{{callee}} is called where the code {{irql}}: freeing pool requires IRQL <= DISPATCH_LEVEL (bug check 0xC4 / 0xA).',
        pagedAtDispatch:
          '{{callee}} frees paged memory (allocated by {{allocator}} at {{where}}) where the code {{irql}}: at DISPATCH_LEVEL only non-paged memory may be freed.',
      },
      schema: [],
    },
    create(context) {
      return {
        call_expression(node) {
          const callee = context.calleeName(node);
          if (!callee || !FREE_ROUTINES.has(callee)) return;
          const irql = context.irqlAt(node);
          if (!irql) return;
          const describe = (e: { definite: boolean; interval: Parameters<typeof formatInterval>[0] }) =>
            `${e.definite ? 'runs at' : 'may run at'} ${formatInterval(e.interval)}`;
          if (options.checkAboveDispatch) {
            const above = irql.above(Level.Dispatch);
            if (above) {
              context.report({ node, messageId: 'aboveDispatch', data: { callee, irql: describe(above) }, explanation: above });
              return;
            }
          }
          const pointer = context.argument(node, 0);
          if (!pointer) return;
          const paged = context.allocationsReaching(pointer).filter((s) => options.tracks(s) && s.paged === true);
          if (!paged.length) return;
          const atDispatch = irql.above(Level.Apc);
          if (!atDispatch) return;
          const site = paged[0];
          context.report({
            node,
            messageId: 'pagedAtDispatch',
            data: { callee, allocator: site.spec.name, where: whereIs(site), irql: describe(atDispatch) },
            explanation: atDispatch,
            related: allocationRelated(site),
          });
        },
      };
    },
  });
}
