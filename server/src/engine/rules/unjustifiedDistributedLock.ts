import { createRule } from './createRule';
import { justificationFix } from '../fixes/justification';

export const unjustifiedDistributedLock = createRule({
  id: 'unjustified-distributed-lock',
  description: 'Locks held across processes (Redlock, Redis SET NX locks, database advisory locks) need a recorded justification.',
  defaultSeverity: 'warning',
  fixes: ['Record a justification in architecture.yaml'],
  messages: {
    lock: {
      message: 'Distributed lock `{{detail}}` with no recorded justification. Locks across processes fail open on clock drift, GC pauses and partitions (two holders), and serialise work that a conditional write or a single-writer partition could order instead.',
      hint: 'Prefer an idempotent or version-conditional write, or partition the work by key; if the lock is really needed, add a decision with pattern: distributed-lock and a justification (and a fencing token) to architecture.yaml.',
    },
  },
  check({ model, report }) {
    for (const fact of model.facts) {
      if (fact.kind !== 'lock') continue;
      if (model.justification('distributed-lock', fact.node)) continue;
      report({
        messageId: 'lock', data: { detail: fact.detail }, location: model.locationOf(fact.node), snippet: fact.detail,
        fixes: () => justificationFix(model, fact.node, 'distributed-lock'),
      });
    }
  },
});
