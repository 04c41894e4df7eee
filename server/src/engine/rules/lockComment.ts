/**
 * A justification written where the lock is taken: a comment leading the statement that takes it (or
 * a statement around it in the same function) that names the lock and what it prevents:
 *
 *   // First-time creation only: serialize concurrent creates for this host so two racing tips can't
 *   // both insert a platform-tips account. The advisory lock is held until the caller's transaction commits.
 *   await sequelize.query('SELECT pg_advisory_xact_lock(:ns, :hostId)', ...);
 *
 * The decision is recorded, in the code a reviewer reads: the rule's "no recorded justification" would
 * be wrong. A comment must say what it locks (lock, mutex, serialize, exclusive, leader) and why (a race,
 * concurrent or duplicate work, two holders, "so that", "otherwise", "only one"), in at least fifteen
 * words: a one-line restatement (`// Use a distributed lock to prevent concurrent charges`) records no
 * decision, and `// acquire lock` says neither.
 */
import { Node, ts } from 'ts-morph';
import { isFunctionBoundary } from '../facts/effects';

const LOCK_WORD = /\b(lock(s|ed|ing)?|mutex|serializ\w*|serialis\w*|exclusive(ly)?|leader)\b/i;
const REASON_WORD = /\b(race|racing|concurren\w*|parallel|simultaneous\w*|twice|double|duplicate\w*|both|overlap\w*|so that|so two|prevent\w*|avoid\w*|because|otherwise|only one|single|contend\w*|at most one)\b/i;
const MIN_WORDS = 15;

/** True when a comment leading the lock's statement, or a statement around it in its function, explains the lock. */
export function justifiedInComment(lockNode: Node): boolean {
  const fn = lockNode.getFirstAncestor(isFunctionBoundary);
  for (let n: Node | undefined = lockNode; n && n !== fn; n = n.getParent()) {
    if (!Node.isStatement(n)) continue;
    // Consecutive `//` lines are one comment.
    if (explains(n.getLeadingCommentRanges().map((c) => c.getText()).join('\n'))) return true;
  }
  // The function's own doc comment (`/** Serialises ... so that ... */ async lockSpaceForSync(...)`).
  const holder = fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) ? fn.getParent() : fn;
  return !!holder && explains(holder.getLeadingCommentRanges().filter((c) => c.getKind() === ts.SyntaxKind.MultiLineCommentTrivia).map((c) => c.getText()).join('\n'));
}

function explains(comment: string): boolean {
  const text = comment.replace(/^\s*(\/\/+|\/\*+|\*+\/?)/gm, ' ');
  return text.split(/\s+/).filter(Boolean).length >= MIN_WORDS && LOCK_WORD.test(text) && REASON_WORD.test(text);
}
