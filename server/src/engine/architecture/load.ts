/**
 * Loads `architecture.yaml`: parses it with exact source positions, validates
 * it against the JSON Schema, checks cross references, and builds the
 * best-effort `Architecture` model from whatever parts are valid.
 *
 * Best effort means: an entry with a wrong-typed optional field keeps its
 * other fields; an entry that is not a mapping, or whose required field
 * (service `paths`, datastore `kind`, api `provider`, step `name`, decision
 * `flow`/`pattern`) is missing or invalid, is dropped. Every problem is also
 * reported, so the user sees why.
 *
 * This file runs the steps; yamlProblems.ts words the YAML syntax problems,
 * buildModel.ts builds the model.
 */
import { LineCounter, isCollection, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { ArchitectureLoadResult, ArchitectureProblem } from './model';
import { KNOWN_RULE_IDS, checkOverlappingPaths, checkReferences } from './references';
import { validateAgainstSchema } from './schemaValidation';
import { nodeRange, resolve } from './yamlNodes';
import type { SourceContext } from './yamlNodes';
import { MAX_YAML_ALIASES, yamlBudgetProblem } from './yamlBudget';
import { buildArchitecture, emptyArchitecture } from './buildModel';
import { duplicateKeyProblems, withoutSyntaxEchoes, yamlProblem } from './yamlProblems';

export { KNOWN_RULE_IDS } from './references';
export { architectureSchema } from './schemaValidation';

export interface LoadArchitectureOptions {
  /** Rule ids accepted as keys of `rules:`; defaults to the rules the analyzer ships. */
  ruleIds?: readonly string[];
}

function byPosition(a: ArchitectureProblem, b: ArchitectureProblem): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

function describeRoot(node: Node): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    return typeof value === 'string' ? `the text "${value.length > 40 ? `${value.slice(0, 37)}...` : value}"` : `the value ${String(value)}`;
  }
  return isCollection(node) ? 'a collection' : 'something else';
}

/**
 * Parses and checks an architecture file. `file` is its workspace-relative
 * path, stored in `Architecture.file`. Never throws on bad input: every
 * problem comes back in `problems`, positioned with 1-based line/column.
 */
export function loadArchitecture(text: string, file: string, options: LoadArchitectureOptions = {}): ArchitectureLoadResult {
  // Checked on the tokens before anything is built: composing 200,000 aliases alone takes seconds.
  const overBudget = yamlBudgetProblem(text);
  if (overBudget) return { architecture: undefined, problems: [overBudget] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const ctx: SourceContext = { text, lineCounter, doc };
  const problems: ArchitectureProblem[] = doc.errors.map((error) => yamlProblem(ctx, error));
  problems.push(...duplicateKeyProblems(ctx));

  const root = resolve(ctx, doc.contents);
  if (!root || (isScalar(root) && root.value === null)) {
    // An empty (or comments-only) file is a valid, empty architecture.
    return { architecture: emptyArchitecture(file), problems: problems.sort(byPosition) };
  }
  if (!isMap(root)) {
    const range = nodeRange(ctx, root);
    problems.push({
      messageId: 'schema',
      message: `The architecture file must be a mapping of sections (version, system, services, datastores, channels, apis, workflows, decisions, rules, asyncapi, ignores, include), got ${describeRoot(root)}.`,
      hint: 'Write the sections as top-level keys, e.g. "version: 1" on the first line and "services:" below it.',
      range,
    });
    return { architecture: undefined, problems: problems.sort(byPosition) };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    problems.push({
      messageId: 'yamlSyntax',
      message: `The YAML could not be read: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'Use fewer aliases (*name); write the values out instead.',
      range: nodeRange(ctx, root),
    });
  }
  const semantic: ArchitectureProblem[] = [];
  if (data !== undefined) semantic.push(...validateAgainstSchema(ctx, data));
  semantic.push(...checkReferences(ctx, root, options.ruleIds ?? KNOWN_RULE_IDS));
  semantic.push(...checkOverlappingPaths(ctx, root));
  const syntaxLines = new Set(problems.filter((p) => p.messageId === 'yamlSyntax').map((p) => p.range.start.line));
  problems.push(...withoutSyntaxEchoes(semantic, syntaxLines));

  return { architecture: buildArchitecture(ctx, root, file), problems: problems.sort(byPosition) };
}
