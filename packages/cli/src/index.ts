/** ddi-lint — the runner: files, config lookup, formatters and the command line around @ddi-lint/core. */
export { DdiLint, EMBEDDED_PRESETS, type DdiLintOptions } from './engine.js';
export { main, VERSION, type CliIo } from './cli.js';
export { ConfigLoader, SEARCH_PLACES, isIgnored, type ExpandedConfig } from './config/config-loader.js';
export { ConfigFileError, UsageError } from './config/errors.js';
export { BUNDLED_PLUGINS, loadPlugin } from './config/plugins.js';
export { FORMATTERS, loadFormatter, type Formatter, type FormatterContext } from './formatters/index.js';
export { findFiles, readSource } from './files.js';
