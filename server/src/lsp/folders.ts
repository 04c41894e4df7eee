/**
 * Workspace folders, each analysed as its own root, plus "loose" roots for
 * files opened outside every folder (the nearest folder above them with a
 * package.json or an architecture file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceFolder } from 'vscode-languageserver/node';
import { isInside, pathToUri, uriToPath } from './uris';

export interface Folder {
  /** Key of the folder: its URI as the client sent it (or made from the path for loose roots). */
  uri: string;
  path: string;
  name: string;
  /** A root made for files outside every workspace folder: only open files get diagnostics. */
  loose: boolean;
}

const ROOT_MARKERS = ['package.json', 'architecture.yaml', 'architecture.yml'];

export class Folders {
  private readonly folders = new Map<string, Folder>();

  /** Adds workspace folders; returns the ones that were new. */
  add(workspaceFolders: readonly WorkspaceFolder[]): Folder[] {
    const added: Folder[] = [];
    for (const wf of workspaceFolders) {
      const p = uriToPath(wf.uri);
      if (!p || this.folders.has(wf.uri)) continue;
      const folder: Folder = { uri: wf.uri, path: p, name: wf.name, loose: false };
      this.folders.set(wf.uri, folder);
      added.push(folder);
    }
    return added;
  }

  remove(uri: string): Folder | undefined {
    const folder = this.folders.get(uri);
    this.folders.delete(uri);
    return folder;
  }

  all(): Folder[] {
    return [...this.folders.values()];
  }

  workspaceFolders(): Folder[] {
    return this.all().filter((f) => !f.loose);
  }

  get(uri: string): Folder | undefined {
    return this.folders.get(uri);
  }

  /** The innermost folder containing `abs` (workspace folders before loose roots). */
  ownerOf(abs: string): Folder | undefined {
    let best: Folder | undefined;
    for (const folder of this.folders.values()) {
      if (!isInside(folder.path, abs)) continue;
      if (!best || (best.loose && !folder.loose) || (best.loose === folder.loose && folder.path.length > best.path.length)) best = folder;
    }
    return best;
  }

  /** The owner of `abs`, making a loose root for it when no workspace folder contains it. */
  ownerOrLooseRoot(abs: string): Folder | undefined {
    const owner = this.ownerOf(abs);
    if (owner) return owner;
    const dir = findRootAbove(path.dirname(abs));
    if (!dir) return undefined;
    const folder: Folder = { uri: pathToUri(dir), path: dir, name: path.basename(dir), loose: true };
    this.folders.set(folder.uri, folder);
    return folder;
  }
}

function findRootAbove(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (path.basename(dir) === 'node_modules') return undefined;
    if (ROOT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
