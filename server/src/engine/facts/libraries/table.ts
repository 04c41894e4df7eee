/**
 * How a library is described to the engine: the types its exports produce
 * (transitions) and the calls that matter (operations). Types are named
 * `<module>.<Type>`; an export is `<module>#<name>`.
 *
 * Transition keys are `<from>|<step>` where step is `new`, `()`, `.prop`,
 * `m()` (a method call) or `instance` (a value annotated with that type).
 * Operation keys are `<receiverType>|<method>` for method calls, or
 * `<export>|()` / `<export>|new` for calls of exported functions and classes,
 * or `?|<method>` for a method call whose receiver has no known type: the
 * analyzer then recognizes the call by its own arguments or returns undefined.
 */
import type { Node } from 'ts-morph';
import type { Fact } from '../facts';
import type { Analysis } from '../analysis';

export type OperationAnalyzer = (node: Node, analysis: Analysis) => Fact | Fact[] | undefined;

/**
 * A function the library (or its runtime) calls, recognized by a type of the library it is
 * declared with: its first parameter's type (`(event: SQSEvent) => ...`) or the declared type
 * of the variable holding it (`const handler: SQSHandler = ...`). Only exported functions count:
 * an entry point, not a helper that takes the same value.
 */
export type HandlerAnalyzer = (fn: Node, reportAt: Node, analysis: Analysis) => Fact | Fact[] | undefined;

export interface LibraryTable {
  name: string;
  transitions: Record<string, string>;
  operations: Record<string, OperationAnalyzer>;
  /** Keyed by the export that types the function (`aws-lambda#SQSEvent`); see HandlerAnalyzer. */
  handlers?: Record<string, HandlerAnalyzer>;
}
