/**
 * The primary and unique keys an ORM schema declares for a written model, read from the schema
 * files of the package that writes it: an insert that sets one of them from the message collides
 * on a repeat instead of adding a second row (non-idempotent-consumer).
 *
 * Prisma: the `*.prisma` files of the writing file's package (the nearest folder with a
 * package.json, else the workspace root), or the one its package.json names (`prisma.schema`).
 * When several schemas define the model, only the keys they all declare count: silence needs
 * evidence, so a model we cannot place keeps being reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { IGNORED_DIRS, MAX_CONFIG_BYTES, readOptional } from './files';
import { prismaModelKeys } from '../facts/libraries/prisma';

/** How an ORM's schema files are found and read: where to look from a package root, and what they declare. */
interface SchemaReader {
  patterns: string[];
  /** Schema paths a package.json names (relative to its folder). */
  named(manifest: Record<string, unknown>): string[];
  keys(text: string): Map<string, string[][]>;
}

const READERS: Record<string, SchemaReader> = {
  prisma: {
    patterns: ['**/*.prisma'],
    named: (manifest) => {
      const schema = (manifest.prisma as { schema?: unknown } | undefined)?.schema;
      return typeof schema === 'string' ? [schema] : [];
    },
    keys: prismaModelKeys,
  },
};

export class OrmKeys {
  private readonly schemasByDir = new Map<string, Map<string, string[][]>[]>();

  constructor(private readonly root: string) {}

  /** The key sets (each a list of fields) every schema defining `model` declares, or undefined when none defines it. */
  keysOf(file: string, library: string, model: string): string[][] | undefined {
    const reader = READERS[library];
    if (!reader) return undefined;
    const dir = this.packageDir(path.dirname(file));
    let defining = this.schemas(dir, library, reader).filter((s) => s.has(model));
    if (!defining.length && dir !== this.root) defining = this.schemas(this.root, library, reader).filter((s) => s.has(model));
    if (!defining.length) return undefined;
    const sig = (k: string[]) => [...k].sort().join(',');
    const [first, ...rest] = defining.map((s) => s.get(model)!);
    return first.filter((k) => rest.every((other) => other.some((o) => sig(o) === sig(k))));
  }

  /** The nearest folder at or above `dir` (inside the workspace) with a package.json, else the workspace root. */
  private packageDir(dir: string): string {
    for (let d = dir; d.startsWith(this.root); d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, 'package.json'))) return d;
      if (d === this.root || path.dirname(d) === d) break;
    }
    return this.root;
  }

  private schemas(dir: string, library: string, reader: SchemaReader): Map<string, string[][]>[] {
    const key = `${library}\n${dir}`;
    let found = this.schemasByDir.get(key);
    if (found) return found;
    const files = new Set(fg.sync(reader.patterns, { cwd: dir, ignore: IGNORED_DIRS, absolute: true, onlyFiles: true, followSymbolicLinks: false, suppressErrors: true, deep: 10 }));
    try {
      const manifest = JSON.parse(readOptional(path.join(dir, 'package.json'), undefined, this.root) ?? '{}') as Record<string, unknown>;
      for (const named of reader.named(manifest)) {
        const abs = path.resolve(dir, named);
        if (abs.startsWith(this.root) && fs.existsSync(abs)) files.add(abs);
      }
    } catch {
      // an unreadable manifest names no schema
    }
    found = [];
    for (const abs of [...files].sort()) {
      const text = readOptional(abs, undefined, this.root);
      if (text !== undefined && text.length <= MAX_CONFIG_BYTES) found.push(reader.keys(text));
    }
    this.schemasByDir.set(key, found);
    return found;
  }
}
