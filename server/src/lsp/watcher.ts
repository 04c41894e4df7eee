/**
 * File watching done by the server itself, for clients that neither watch
 * files for it (`clientWatchesFiles`) nor let it register watchers
 * (`workspace.didChangeWatchedFiles.dynamicRegistration`), such as Neovim 0.7:
 * the architecture file and the config files (package.json, tsconfig, compose,
 * .env, Dockerfile) whose change can change findings anywhere in a folder.
 *
 * Each directory that holds such a file (and the folder root) is watched
 * without recursion, so a large tree costs a handful of inotify watches.
 * Known limit: a config file created in a directory that had none is noticed
 * only after the next rescan (any other config change, or a restart).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import { findConfigFiles } from '../engine/workspace/files';
import { CONFIG_FILE_GLOBS, isConfigFileName } from './protocol';
import { pathToUri } from './uris';

export interface ConfigWatcherOptions {
  /** Called with the changes seen in one directory event. */
  onChange(changes: FileEvent[]): void;
  /** True for the configured architecture file when it has another name. */
  isArchitectureFile(abs: string): boolean;
  log(message: string): void;
}

export class ConfigWatcher {
  /** Watchers by folder key, then by directory. */
  private readonly byFolder = new Map<string, Map<string, fs.FSWatcher>>();

  constructor(private readonly o: ConfigWatcherOptions) {}

  /** Watches (again) the directories of a folder's config files; `extra` adds e.g. the configured architecture file. */
  watch(folderKey: string, root: string, extra: string[] = []): void {
    const directories = new Set<string>([root]);
    for (const rel of findConfigFiles(root, CONFIG_FILE_GLOBS)) directories.add(path.dirname(path.join(root, rel)));
    for (const abs of extra) directories.add(path.dirname(abs));
    const current = this.byFolder.get(folderKey) ?? new Map<string, fs.FSWatcher>();
    for (const [dir, watcher] of current) {
      if (directories.has(dir)) continue;
      watcher.close();
      current.delete(dir);
    }
    for (const dir of directories) {
      if (current.has(dir)) continue;
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name) this.changed(path.join(dir, name.toString()));
        });
        watcher.on('error', (error) => {
          this.o.log(`stopped watching ${dir}: ${error.message}`);
          watcher.close();
          current.delete(dir);
        });
        current.set(dir, watcher);
      } catch (error) {
        this.o.log(`cannot watch ${dir}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.byFolder.set(folderKey, current);
  }

  unwatch(folderKey: string): void {
    for (const watcher of this.byFolder.get(folderKey)?.values() ?? []) watcher.close();
    this.byFolder.delete(folderKey);
  }

  /** Number of directories watched, over all folders. */
  size(): number {
    let n = 0;
    for (const dirs of this.byFolder.values()) n += dirs.size;
    return n;
  }

  dispose(): void {
    for (const key of [...this.byFolder.keys()]) this.unwatch(key);
  }

  private changed(abs: string): void {
    if (!isConfigFileName(path.basename(abs)) && !this.o.isArchitectureFile(abs)) return;
    // fs.watch says "rename" for creations, deletions and atomic saves alike: the disk tells which.
    const type = fs.existsSync(abs) ? FileChangeType.Changed : FileChangeType.Deleted;
    this.o.onChange([{ uri: pathToUri(abs), type }]);
  }
}
