/** Where a rule's doc page lives; SARIF `helpUri` and editor links point here. */
export const DOCS_BASE = 'https://github.com/ddi-lint/ddi-lint/blob/main/docs/rules';

export function docsUrl(plugin: string, rule: string): string {
  return `${DOCS_BASE}/${plugin}/${rule}.md`;
}
