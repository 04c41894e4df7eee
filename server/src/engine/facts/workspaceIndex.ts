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
  /**
   * Set while `contribute` runs: a contribution that asks this index again (a call site whose callee
   * resolution looks for call sites of the same name) gets no answer instead of recursing forever.
   */
  private building = false;
  /** Per key, the files whose facts or memos used what the index says about it. */
  private readonly dependents = new Map<object, Set<SourceFile>>();

  /**
   * How an edited file that did not contribute to a key may start to: `nameOf` gives the
   * identifier it must then contain (a class's name); otherwise `signature` gives the part of
   * a text contributions come from (class headers and imports), and an edit that changes it may
   * contribute to any key. With neither, any edited file matching the needle may.
   */
  constructor(
    readonly needle: RegExp,
    private readonly files: () => SourceFile[],
    private readonly contribute: (file: SourceFile) => [object, V][],
    private readonly how: { nameOf?: (key: object) => string | undefined; signature?: (text: string) => string } = {},
  ) {}

  /** The values recorded for a key; `dependent` is the file whose analysis depends on the answer. */
  get(key: object, dependent?: SourceFile): V[] {
    if (dependent) {
      let set = this.dependents.get(key);
      if (!set) this.dependents.set(key, set = new Set());
      set.add(dependent);
    }
    return this.build().get(key) ?? [];
  }

  /** Dependents whose answer an edit of `affected` (`edits`: each edited file's text before and after) may change. */
  dependentsTouchedBy(affected: ReadonlySet<SourceFile>, edits: readonly [string, string][]): SourceFile[] {
    if (!this.dependents.size) return [];
    const contributed = new Set<object>();
    for (const f of affected) for (const [key] of this.perFile.get(f) ?? []) contributed.add(key);
    const { nameOf, signature } = this.how;
    const texts = edits.flat().filter((t) => this.needle.test(t));
    const anyKey = texts.length > 0 && !nameOf && (!signature || edits.some(([a, b]) => signature(a) !== signature(b)));
    const out: SourceFile[] = [];
    for (const [key, files] of this.dependents) {
      let touched = anyKey || contributed.has(key);
      if (!touched && nameOf && texts.length) {
        let name: string | undefined;
        try {
          name = nameOf(key);
        } catch {
          name = undefined;
        }
        const word = name ? new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`) : undefined;
        touched = word ? texts.some((t) => word.test(t)) : true;
      }
      if (touched) out.push(...files);
    }
    return out;
  }

  /** Forgets the contributions of affected files (call before their text is replaced). */
  invalidate(affected: ReadonlySet<SourceFile>): void {
    if (!affected.size) return;
    for (const f of affected) {
      this.perFile.delete(f);
      this.unmatched.delete(f);
    }
    for (const [key, files] of this.dependents) {
      for (const f of affected) files.delete(f);
      if (!files.size) this.dependents.delete(key);
    }
    this.merged = undefined;
  }

  private build(): Map<object, V[]> {
    if (this.merged) return this.merged;
    if (this.building) return new Map();
    this.building = true;
    try {
      return this.buildMerged();
    } finally {
      this.building = false;
    }
  }

  private buildMerged(): Map<object, V[]> {
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
