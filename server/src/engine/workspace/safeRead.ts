/**
 * Reading files the user did not hand-pick: open without blocking, look at
 * what was opened (not at what the path named a moment earlier), refuse
 * anything but a regular file, and never read more than a cap. A FIFO, a
 * device such as /dev/zero, a directory or a /proc file that reports size 0
 * and never ends is refused at once with a reason instead of blocking the
 * run or growing memory until the process aborts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Why a path was not read, in words for a log line or a "not analyzed" entry. */
export interface Refusal {
  reason: string;
}

// Absent on Windows; 0 leaves the flag out.
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && typeof (value as Refusal).reason === 'string';
}

/** What a non-regular file is, for messages. */
export function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function sizeLimit(maxBytes: number): string {
  return maxBytes >= 1024 * 1024 && maxBytes % (1024 * 1024) === 0 ? `${maxBytes / (1024 * 1024)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
}

function openReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT': return 'file disappeared while reading';
    case 'ELOOP': return 'a symbolic link (not followed)';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'a directory';
    default: return `unreadable: ${error.message}`;
  }
}

export interface BoundedReadOptions {
  /** Refuse a symbolic link at the last path component instead of following it. */
  noFollow?: boolean;
}

/**
 * The bytes of a regular file of at most `maxBytes`, or why not. The size is
 * checked on the opened descriptor and again while reading, so a file that
 * grows, or reports a wrong size, is still cut off at the cap.
 */
export function readBounded(abs: string, maxBytes: number, options: BoundedReadOptions = {}): Buffer | Refusal {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | O_NONBLOCK | (options.noFollow ? O_NOFOLLOW : 0));
  } catch (error) {
    return { reason: openReason(error as NodeJS.ErrnoException) };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { reason: fileKind(stat) };
    if (stat.size > maxBytes) return { reason: `larger than ${sizeLimit(maxBytes)}` };
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(stat.size, 64 * 1024)) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return { reason: `larger than ${sizeLimit(maxBytes)}` };
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { reason: `larger than ${sizeLimit(maxBytes)}` };
    return buffer.subarray(0, length);
  } catch (error) {
    return { reason: openReason(error as NodeJS.ErrnoException) };
  } finally {
    fs.closeSync(fd);
  }
}

/** True when `rel` (from path.relative) leaves its base folder. */
function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

const realRoots = new Map<string, string>();

function realpathOf(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Why a path may not be read as part of the workspace at `root`: it names a
 * place outside it (`../../proc/...`), or a symbolic link on the way leads
 * outside. Undefined when it stays inside (or does not exist: opening it
 * then says so).
 */
export function outsideWorkspace(root: string, abs: string): string | undefined {
  const base = path.resolve(root);
  if (escapes(path.relative(base, path.resolve(base, abs)))) return 'outside the workspace';
  let realRoot = realRoots.get(base);
  if (realRoot === undefined) {
    realRoot = realpathOf(base) ?? base;
    if (realRoots.size > 64) realRoots.clear();
    realRoots.set(base, realRoot);
  }
  const real = realpathOf(abs);
  if (real !== undefined && escapes(path.relative(realRoot, real))) return 'a symbolic link to a place outside the workspace';
  return undefined;
}

/** A UTF-8 text file of the workspace (inside `root` when given), or why it was not read. */
export function readWorkspaceText(abs: string, maxBytes: number, root?: string, options: BoundedReadOptions = {}): string | Refusal {
  if (root !== undefined) {
    const outside = outsideWorkspace(root, abs);
    if (outside) return { reason: outside };
  }
  const bytes = readBounded(abs, maxBytes, options);
  if (isRefusal(bytes)) return bytes;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { reason: 'UTF-16 text (save it as UTF-8)' };
  if (bytes.subarray(0, 8000).includes(0)) return { reason: 'binary content' };
  return bytes.toString('utf8');
}
