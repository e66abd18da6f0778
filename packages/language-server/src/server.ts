/**
 * The server's entry point (`ddi-lint-language-server --stdio`). The transport is chosen by the usual flags
 * (`--stdio`, `--node-ipc`, `--socket=PORT`, `--pipe=NAME`); with none, stdio.
 */
import { createConnection } from 'vscode-languageserver/node.js';
import { VERSION, startServer } from './connection.js';

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`v${VERSION}\n`);
} else if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('Usage: ddi-lint-language-server [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]\n');
} else {
  // A stray rejection must not end the server (stdout is the protocol channel: report on stderr).
  process.on('unhandledRejection', (reason) => process.stderr.write(`ddi-lint-language-server: unhandled rejection: ${String(reason)}\n`));
  const transport = args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'));
  startServer(transport ? createConnection() : createConnection(process.stdin, process.stdout));
}
