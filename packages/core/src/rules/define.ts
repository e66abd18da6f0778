import type { Plugin, RuleModule } from './types.js';

/** Identity helpers that give rule and plugin authors full typing (like typescript-eslint's `createRule`). */
export function defineRule<Options extends readonly unknown[] = readonly unknown[]>(rule: RuleModule<Options>): RuleModule<Options> {
  return rule;
}

export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
