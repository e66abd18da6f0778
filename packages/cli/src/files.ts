/**
 * File discovery and reading. Directories are walked recursively (skipping `node_modules` and `.git`, and
 * following symbolic links only once per real directory, so link loops end), globs are matched from their static
 * prefix, and explicit files are taken as given. Results are sorted, so output does not depend on disk order.
 */
import { type Dirent, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from './config/errors.js';

export const DEFAULT_EXTENSIONS = ['.c', '.h', '.cpp', '.cc', '.cxx', '.hpp', '.hxx'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface FoundFile {
  readonly filePath: string;
  /** Named on the command line itself (an ignore pattern then warns instead of skipping silently). */
  readonly explicit: boolean;
}

function hasGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function walkDirectory(dir: string, onFile: (path: string) => void, seen: Set<string>): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: nothing to lint in it
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = statSync(path);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // dangling link
      }
    }
    if (isDir) {
      if (!SKIPPED_DIRECTORIES.has(e.name)) walkDirectory(path, onFile, seen);
    } else if (isFile) onFile(path);
  }
}

/** Expand command-line patterns into files. Throws UsageError for a pattern that matches nothing. */
export function findFiles(patterns: readonly string[], cwd: string, extensions: readonly string[] = DEFAULT_EXTENSIONS): FoundFile[] {
  const found = new Map<string, FoundFile>();
  const hasExtension = (p: string) => extensions.some((ext) => p.toLowerCase().endsWith(ext));
  for (const pattern of patterns.length ? patterns : ['.']) {
    const before = found.size;
    const abs = resolve(cwd, pattern);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      walkDirectory(abs, (p) => hasExtension(p) && !found.has(p) && found.set(p, { filePath: p, explicit: false }), new Set());
      if (found.size === before && !patterns.length) continue;
    } else if (stat?.isFile()) {
      found.set(abs, { filePath: abs, explicit: true });
    } else if (hasGlob(pattern)) {
      const posix = toPosix(pattern);
      const scan = picomatch.scan(posix);
      const base = resolve(cwd, scan.base || '.');
      const isMatch = picomatch(toPosix(relative(cwd, resolve(cwd, posix))), { dot: false });
      walkDirectory(base, (p) => {
        if (hasExtension(p) && isMatch(toPosix(relative(cwd, p))) && !found.has(p)) found.set(p, { filePath: p, explicit: false });
      }, new Set());
    } else {
      throw new UsageError(`No files matching the pattern "${pattern}" were found.`);
    }
    if (found.size === before && patterns.length) {
      throw new UsageError(`No files matching the pattern "${pattern}" were found (looked for ${extensions.join(', ')} files).`);
    }
  }
  return [...found.values()].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
}

/** How a source file was stored, so that a fix is written back the same way. */
export type SourceEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1';

export type ReadOutcome = { readonly text: string; readonly encoding: SourceEncoding; readonly notice?: string } | { readonly error: string };

/**
 * Read a source file. UTF-8 is the default; a UTF-16 byte-order mark is honoured; bytes that are not UTF-8
 * (a Windows-1252 comment, say) are read as Latin-1 so that offsets stay one character per byte; a file with NUL
 * bytes and no UTF-16 mark is binary and skipped with a notice.
 */
export function readSource(filePath: string): ReadOutcome {
  let buffer: Buffer;
  try {
    buffer = readFileSync(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `could not read ${filePath}: ${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}` };
  }
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) {
    return { text: buffer.subarray(2).toString('utf16le'), encoding: 'utf16le', notice: `${filePath} is UTF-16; read as such` };
  }
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be', notice: `${filePath} is UTF-16 (big-endian); read as such` };
  }
  if (buffer.subarray(0, 8192).includes(0)) return { error: `${filePath} looks like a binary file (it contains NUL bytes); skipped` };
  let start = 0;
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
  const body = buffer.subarray(start);
  const text = body.toString('utf8');
  if (text.includes('\uFFFD') && !isValidUtf8(body)) {
    return { text: body.toString('latin1'), encoding: 'latin1', notice: `${filePath} is not valid UTF-8; read as Windows-1252/Latin-1` };
  }
  // A UTF-8 byte-order mark becomes nothing: columns count from the first real character.
  return { text, encoding: start === 3 ? 'utf8-bom' : 'utf8' };
}

function isValidUtf8(buffer: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch {
    return false;
  }
}

/** Text back to the bytes of the encoding it was read from. */
export function encodeSource(text: string, encoding: SourceEncoding): Buffer {
  switch (encoding) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      le.swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    }
    case 'latin1':
      return Buffer.from(text, 'latin1');
    default:
      return Buffer.from(text, 'utf8');
  }
}
