import { Node } from 'ts-morph';
import { createRule } from './createRule';
import { DISTRIBUTED_TRANSACTION_MODULES } from '../facts/libraries';
import { isFunctionLike } from '../facts/analysis';
import type { Fact } from '../facts/facts';

export const unjustifiedTwoPhaseCommit = createRule({
  id: 'unjustified-two-phase-commit',
  description: 'Two-phase commit, XA and flows that commit on two datastores need a recorded justification.',
  defaultSeverity: 'warning',
  fixes: ['Record a justification in architecture.yaml'],
  messages: {
    twoPhase: {
      message: 'Two-phase commit (`{{detail}}`) with no recorded justification. 2PC blocks every participant while the coordinator is down and couples the availability of both datastores.',
      hint: 'Prefer a saga with compensations or a transactional outbox; if atomicity across stores is required, add a decision with pattern: two-phase-commit and a justification to architecture.yaml.',
    },
    library: {
      message: 'Distributed-transaction library "{{module}}" with no recorded justification. A transaction coordinator couples the availability of every participant.',
      hint: 'Prefer a saga or an outbox; if a coordinator is required, record a decision with pattern: two-phase-commit and a justification in architecture.yaml.',
    },
    twoCommits: {
      message: 'This flow commits on two datastores (`{{first}}` and `{{second}}`) as if they were one transaction. A crash between the commits leaves them inconsistent, with nothing to repair it.',
      hint: 'Make one store the source of truth and propagate to the other with an outbox (or a saga with compensation); if atomic commit is required, use real 2PC and record the justification in architecture.yaml.',
    },
  },
  check({ model, report }) {
    // One finding per function: the first 2PC statement, with the others as related locations.
    const twoPhaseByFunction = new Map<Node, Fact[]>();
    for (const fact of model.facts) {
      if (fact.kind !== 'twoPhase' || model.justification('two-phase-commit', fact.node)) continue;
      const scope = fact.node.getFirstAncestor(isFunctionLike) ?? fact.node.getSourceFile();
      twoPhaseByFunction.set(scope, [...(twoPhaseByFunction.get(scope) ?? []), fact]);
    }
    for (const [, facts] of twoPhaseByFunction) {
      const [first, ...rest] = facts;
      report({
        messageId: 'twoPhase', data: { detail: first.detail }, location: model.locationOf(first.node), snippet: first.detail,
        related: rest.map((f) => ({ ...model.locationOf(f.node), message: f.detail })),
      });
    }
    for (const { sourceFile } of model.files) {
      for (const decl of sourceFile.getImportDeclarations()) {
        const module = decl.getModuleSpecifierValue();
        if (!DISTRIBUTED_TRANSACTION_MODULES.includes(module) || model.justification('two-phase-commit', decl)) continue;
        report({ messageId: 'library', data: { module }, location: model.locationOf(decl.getModuleSpecifier()), snippet: module });
      }
    }
    // One function committing on two different clients (without PREPARE TRANSACTION, which is reported above).
    const byFunction = new Map<Node, Fact[]>();
    for (const fact of model.facts) {
      if (fact.kind !== 'tx' && fact.kind !== 'twoPhase') continue;
      const fn = fact.node.getFirstAncestor(isFunctionLike);
      if (!fn) continue;
      const list = byFunction.get(fn) ?? [];
      list.push(fact);
      byFunction.set(fn, list);
    }
    for (const facts of byFunction.values()) {
      if (facts.some((f) => f.kind === 'twoPhase')) continue;
      const commits = facts.filter((f) => f.kind === 'tx' && f.detail !== 'BEGIN' && f.clientKey);
      const keys = [...new Set(commits.map((f) => f.clientKey))];
      if (keys.length < 2) continue;
      const first = commits.find((f) => f.clientKey === keys[0])!;
      const second = commits.find((f) => f.clientKey === keys[1])!;
      if (model.justification('two-phase-commit', second.node)) continue;
      report({
        messageId: 'twoCommits',
        data: { first: receiverText(first.node), second: receiverText(second.node) },
        location: model.locationOf(second.node),
        related: [{ ...model.locationOf(first.node), message: 'first commit' }],
        snippet: `${receiverText(first.node)}+${receiverText(second.node)}`,
      });
    }
  },
});

function receiverText(nameNode: Node): string {
  const access = nameNode.getParent();
  return access && Node.isPropertyAccessExpression(access) ? access.getExpression().getText() : nameNode.getText();
}
