import type { LintResult, RuleMeta } from '@ddi-lint/core';

export interface FormatterContext {
  /** Paths in output are relative to this directory. */
  readonly cwd: string;
  readonly rulesMeta: Readonly<Record<string, RuleMeta>>;
  readonly color: boolean;
  readonly toolVersion: string;
}

/** A formatter is a plain function, like ESLint's. */
export type Formatter = (results: readonly LintResult[], context: FormatterContext) => string;
