import * as path from 'node:path';

/**
 * A root-relative finding path shown relative to where the user stands, with
 * forward slashes, so terminals and editors can open it.
 */
export function displayPath(root: string, cwd: string, file: string): string {
  const relative = path.relative(cwd, path.resolve(root, file));
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}
