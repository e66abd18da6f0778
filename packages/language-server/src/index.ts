/** @ddi-lint/language-server — ddi-lint in any LSP editor: diagnostics with the IRQL path, fixes as code actions. */
export { startServer, FIX_ALL_KIND, VERSION, WATCHED_GLOBS, type InitializationOptions } from './connection.js';
export { LintService, SOURCE_EXTENSIONS, isConfigFile, isIgnored, isSourceFile, type FileLint, type FolderLint, type LintServiceOptions } from './service.js';
export { SOURCE, compatibleFixes, toDiagnostic, toRange, toTextEdit, type ConvertContext } from './convert.js';
