/** file: URIs <-> absolute paths, and root-relative paths. */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Absolute path of a file: URI; undefined for other schemes (untitled:, vscode-notebook-cell:...). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(abs: string): string {
  return pathToFileURL(abs).href;
}

/** True when `abs` is `dir` or inside it. */
export function isInside(dir: string, abs: string): boolean {
  const rel = path.relative(dir, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Root-relative path with forward slashes, as the engine writes them. */
export function toRootRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

export function fromRootRelative(root: string, rel: string): string {
  return path.resolve(root, ...rel.split('/'));
}
