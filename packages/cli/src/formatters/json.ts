/** ESLint's json shape: tools that read ESLint's json read ours. IRQL paths are in each message's `trace`. */
import type { Formatter } from './types.js';

export const json: Formatter = (results) =>
  JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map(({ ...m }) => {
        delete (m as { filePath?: string }).filePath;
        return m;
      }),
      suppressedMessages: r.suppressedMessages ?? [],
      errorCount: r.errorCount,
      fatalErrorCount: r.fatalErrorCount,
      warningCount: r.warningCount,
      fixableErrorCount: r.fixableErrorCount,
      fixableWarningCount: r.fixableWarningCount,
      usedDeprecatedRules: [],
      ...(r.output !== undefined ? { output: r.output } : {}),
    })),
  );
