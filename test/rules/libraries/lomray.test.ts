/**
 * `@lomray/microservice-nodejs-lib` `Microservice.eventPublish`: an event to the other
 * microservices, so a write followed by it is a dual write; its envelope is built by the library,
 * so a missing correlation id is not asserted.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const PAID = lines(
  "import { Microservice } from '@lomray/microservice-nodejs-lib';",
  "import { getRepository } from 'typeorm';",
  '',
  'class Transaction { id!: string; status!: string }',
  '',
  'export async function markPaid(id: string) {',
  "  await getRepository(Transaction).update({ id }, { status: 'paid' });",
  "  void Microservice.eventPublish('payment.entity-paid', { id });",
  '}',
);

const PUBLISH_ONLY = lines(
  "import { Microservice } from '@lomray/microservice-nodejs-lib';",
  '',
  'export async function announce(id: string) {',
  "  await Microservice.eventPublish('users.announce', { id });",
  '}',
);

runRuleTests('dual-write', {
  valid: [
    { name: 'an eventPublish with no write in the flow', files: { 'microservices/users/src/announce.ts': PUBLISH_ONLY } },
  ],
  invalid: [
    {
      name: 'TypeORM update, then Microservice.eventPublish',
      files: { 'microservices/payment/src/paid.ts': PAID },
      errors: [{ messageId: 'dualWrite', ...at(PAID, 'eventPublish(') }],
    },
  ],
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'the library builds the envelope: correlation unknown, not absent', files: { 'microservices/users/src/announce.ts': PUBLISH_ONLY, 'microservices/notification/src/main.ts': 'export {};\n' } },
  ],
  invalid: [],
});

const SUBSCRIBER = lines(
  "import { Microservice } from '@lomray/microservice-nodejs-lib';",
  "import { EventSubscriber, EntitySubscriberInterface, InsertEvent } from 'typeorm';",
  '',
  'class UserEntity { id!: string; username?: string }',
  'class Profile { userId!: string }',
  '',
  '@EventSubscriber()',
  'export class UserSubscriber implements EntitySubscriberInterface<UserEntity> {',
  '  public afterInsert({ entity, manager }: InsertEvent<UserEntity>) {',
  "    void Microservice.eventPublish('users.user-create', entity);",
  '    return manager.getRepository(Profile).save({ userId: entity.id });',
  '  }',
  '}',
);

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'TypeORM subscriber: the manager destructured from InsertEvent saves a row after the publish',
      files: { 'microservices/users/src/subscribers/user.ts': SUBSCRIBER },
      errors: [{ messageId: 'dualWrite', ...at(SUBSCRIBER, 'eventPublish(') }],
    },
  ],
});
