/**
 * Workspace decorator factories: a project decorator that returns a library decorator
 * (`KafkaEventPattern(topic)` returning `EventPattern(prefix + topic)`, `applyDecorators(...)`)
 * registers the decorated method as the library decorator would. A factory that only calls a
 * library function without returning its decorator registers nothing.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const FACTORY = lines(
  "import { EventPattern, Transport } from '@nestjs/microservices';",
  "import { applyDecorators, UseInterceptors } from '@nestjs/common';",
  '',
  'const PREFIX = process.env.TOPIC_PREFIX;',
  '',
  'export function KafkaEventPattern(pattern: string): MethodDecorator {',
  '  pattern = `${PREFIX}.${pattern}`;',
  '  return EventPattern(pattern, Transport.KAFKA);',
  '}',
  '',
  'export const LoggedEventPattern = (pattern: string) => applyDecorators(UseInterceptors(), EventPattern(pattern, Transport.KAFKA));',
  '',
  'export function NotADecorator(pattern: string): MethodDecorator {',
  '  EventPattern(pattern);',
  '  return () => undefined;',
  '}',
);

const HANDLERS = lines(
  "import { Controller } from '@nestjs/common';",
  "import { Payload } from '@nestjs/microservices';",
  "import { PrismaClient } from '@prisma/client';",
  "import { KafkaEventPattern, LoggedEventPattern, NotADecorator } from './kafka';",
  '',
  'const prisma = new PrismaClient();',
  '',
  '@Controller()',
  'export class PaymentsObserver {',
  "  @KafkaEventPattern('payment.confirmed')",
  '  async confirmed(@Payload() msg: { amount: number }) {',
  '    await prisma.webhookEvent.create({ data: { amount: msg.amount } });',
  '  }',
  '',
  "  @LoggedEventPattern('payment.refunded')",
  '  async refunded(@Payload() msg: { amount: number }) {',
  '    await prisma.webhookEvent.create({ data: { amount: msg.amount } });',
  '  }',
  '',
  "  @NotADecorator('payment.failed')",
  '  async failed(@Payload() msg: { amount: number }) {',
  '    await prisma.webhookEvent.create({ data: { amount: msg.amount } });',
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    {
      name: 'methods decorated with project factories returning EventPattern (directly and through applyDecorators)',
      files: { 'services/webhooks/src/kafka.ts': FACTORY, 'services/webhooks/src/observer.ts': HANDLERS },
      errors: [
        { messageId: 'unguarded', file: 'services/webhooks/src/observer.ts', ...at(HANDLERS, 'KafkaEventPattern(') },
        { messageId: 'unguarded', file: 'services/webhooks/src/observer.ts', ...at(HANDLERS, 'LoggedEventPattern(') },
      ],
    },
  ],
});
