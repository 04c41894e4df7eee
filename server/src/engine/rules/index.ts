/** Every rule, in documentation order. */
import type { Rule } from './createRule';
import { nonIdempotentConsumer } from './nonIdempotentConsumer';
import { missingCorrelationId } from './missingCorrelationId';
import { sharedDatabase } from './sharedDatabase';
import { unjustifiedTwoPhaseCommit } from './unjustifiedTwoPhaseCommit';
import { unjustifiedDistributedLock } from './unjustifiedDistributedLock';
import { dualWrite } from './dualWrite';
import { invalidArchitecture } from './invalidArchitecture';
import { unexplainedSuppression } from './unexplainedSuppression';

export const RULES: Rule[] = [
  nonIdempotentConsumer,
  missingCorrelationId,
  sharedDatabase,
  unjustifiedTwoPhaseCommit,
  unjustifiedDistributedLock,
  dualWrite,
  invalidArchitecture,
  unexplainedSuppression,
] as Rule[];

export const RULE_IDS = RULES.map((r) => r.meta.id);
