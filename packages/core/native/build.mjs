#!/usr/bin/env node
/**
 * Build the front end's native addon (native/src/parse_columns.c, see there) with node-gyp; run by the package's
 * `install` script.
 *
 * The addon is an optimisation: without it `@ddi-lint/core` copies tree-sitter's tree through the Node binding
 * (same trees, same findings, a slower parse phase). So a machine without a C compiler, Python or node-gyp still
 * installs: the failure is reported in one line and the install goes on. `DDI_LINT_NATIVE=0` skips the build (and,
 * at run time, the addon).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

if (process.env.DDI_LINT_NATIVE === '0') {
  console.log('@ddi-lint/core: DDI_LINT_NATIVE=0, native front end not built');
  process.exit(0);
}

/**
 * node-gyp as the package manager provides it (npm and pnpm set npm_config_node_gyp), else one installed beside
 * this package, else npm's own (beside node), else one on the path.
 */
function nodeGyp() {
  const given = process.env.npm_config_node_gyp;
  if (given && existsSync(given)) return [process.execPath, given];
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    const npms = [join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), join(dirname(process.execPath), 'node_modules', 'npm')];
    const npmGyp = npms.map((npm) => join(npm, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')).find(existsSync);
    return npmGyp ? [process.execPath, npmGyp] : ['node-gyp'];
  }
}

/** Node's own headers when they sit beside this node (a distribution's package, /usr/include/node): no download. */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

const [command, ...args] = nodeGyp();
const started = Date.now();
const result = spawnSync(command, [...args, 'rebuild', ...nodeDirArgs()], { cwd: here, encoding: 'utf8', timeout: 300_000 });
const built = existsSync(join(here, 'build', 'Release', 'parse_columns.node'));
if (result.status === 0 && built) {
  console.log(`@ddi-lint/core: native front end built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} else {
  const why = result.error?.message ?? (`${result.stderr ?? ''}`.split('\n').find((line) => /error/i.test(line)) || `node-gyp exited with ${result.status}`);
  console.log(`@ddi-lint/core: native front end not built (${why.trim()}); the tree is copied in JavaScript instead (same results, slower)`);
}
