/**
 * Reverse lookups over the whole workspace ("where is class C constructed",
 * "which classes implement I", "who calls f"), built from per-file
 * contributions so that an edit recomputes only the contributions of the
 * files it affects.
 *
 * Each index has a text needle: a file whose text does not match cannot
 * contribute, and is never parsed for it. The files that consulted an index
 * (its dependents) must be re-analysed when a contribution may have changed:
 * when a matching file is affected by an edit, or an edited file matches the
 * needle before or after the edit. `dependentsToInvalidate` answers that.
 */
import type { SourceFile } from 'ts-morph';

export class WorkspaceIndex<V> {
  private readonly perFile = new Map<SourceFile, [object, V][]>();
  /** Files whose text does not match the needle (checked once until they change). */
  private readonly unmatched = new Set<SourceFile>();
  private merged: Map<object, V[]> | undefined;
  /** Files whose facts or memos used this index. */
  readonly dependents = new Set<SourceFile>();

  constructor(
    readonly needle: RegExp,
    private readonly files: () => SourceFile[],
    private readonly contribute: (file: SourceFile) => [object, V][],
  ) {}

  /** The values recorded for a key; `dependent` is the file whose analysis depends on the answer. */
  get(key: object, dependent?: SourceFile): V[] {
    if (dependent) this.dependents.add(dependent);
    return this.build().get(key) ?? [];
  }

  /** Files that contributed (their text matches the needle). */
  contributors(): Iterable<SourceFile> {
    return this.perFile.keys();
  }

  /** True when an edit of these files (with these texts before and after) can change what the index answers. */
  touchedBy(affected: ReadonlySet<SourceFile>, changedTexts: readonly string[]): boolean {
    if (changedTexts.some((t) => this.needle.test(t))) return true;
    for (const f of this.perFile.keys()) if (affected.has(f)) return true;
    return false;
  }

  /** Forgets the contributions of affected files (call before their text is replaced). */
  invalidate(affected: ReadonlySet<SourceFile>): void {
    for (const f of affected) {
      this.perFile.delete(f);
      this.unmatched.delete(f);
      this.dependents.delete(f);
    }
    if (affected.size) this.merged = undefined;
  }

  private build(): Map<object, V[]> {
    if (this.merged) return this.merged;
    const merged = new Map<object, V[]>();
    for (const sf of this.files()) {
      let entries = this.perFile.get(sf);
      if (!entries) {
        if (this.unmatched.has(sf)) continue;
        if (sf.isDeclarationFile() || !this.needle.test(sf.getFullText())) {
          this.unmatched.add(sf);
          continue;
        }
        entries = this.contribute(sf);
        this.perFile.set(sf, entries);
      }
      for (const [key, value] of entries) {
        const list = merged.get(key);
        if (list) list.push(value);
        else merged.set(key, [value]);
      }
    }
    this.merged = merged;
    return merged;
  }
}
