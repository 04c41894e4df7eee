/**
 * A lock whose reason is written where it is taken: a comment on the function that takes it (its
 * doc comment, or the comments leading its declaration), in that function before the call, or at
 * the top level of its module (the module's header describing its design), that
 * names the lock and says why it is there ("pg_advisory_xact_lock serializes concurrent recomputes
 * (cron vs the admin button) ... Without it, the loser's DELETE misses the winner's rows"). The
 * author has recorded the decision, in the code rather than in architecture.yaml, and a reviewer
 * reads it there. A comment that only names the lock ("// take the lock") is not a reason.
 */
import { Node } from 'ts-morph';
import { isFunctionLike } from '../facts/analysis';

const COMMENT = /\/\/[^\n]*(?:\n\s*\/\/[^\n]*)*|\/\*[\s\S]*?\*\//g;
/** The comment is about the lock. */
const NAMES_LOCK = /\block|mutex|semaphore|serializ|advisory/i;
/** ... and gives its reason: what would go wrong without it, or what it guarantees. */
const GIVES_REASON = /\bwithout (it|the lock|this)\b|\botherwise\b|\bso that\b|\bbecause\b|\bto (prevent|avoid|ensure|guarantee|make sure|stop)\b|\bprevents?\b|\brace\b|\bconcurrent(ly)?\b|\bat the same time\b|\bonly one\b|\btwice\b|\bdouble\b/i;
/** A reason takes a few words; a label ("// acquire the lock so that") does not. */
const MIN_WORDS = 8;

export function justifiedInComment(lockNode: Node): boolean {
  const fn = lockNode.getFirstAncestor(isFunctionLike);
  if (!fn) return false;
  const holder = Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) ? fn.getFirstAncestor((a) => Node.isVariableStatement(a) || Node.isPropertyAssignment(a)) ?? fn : fn;
  // The module's own comments (its header, the doc comments of its top-level declarations) describe its functions too.
  const moduleLevel = fn.getSourceFile().getStatements().flatMap((st) => st.getLeadingCommentRanges().map((c) => c.getText()));
  const leading = [...holder.getLeadingCommentRanges().map((c) => c.getText()), ...moduleLevel];
  const before = fn.getSourceFile().getFullText().slice(fn.getStart(), lockNode.getStart()).match(COMMENT) ?? [];
  return [...leading, ...before].some((c) => NAMES_LOCK.test(c) && GIVES_REASON.test(c) && c.split(/\s+/).length >= MIN_WORDS);
}
