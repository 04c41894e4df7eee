/**
 * Clients handed out by integration packages: nestjs-prisma's `PrismaService` (a PrismaClient) and
 * `CustomPrismaService.client`, and Typegoose models (`getModelForClass`, `ReturnModelType`).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const NEST_PRISMA = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { InjectQueue } from '@nestjs/bull';",
  "import { Queue } from 'bull';",
  "import { PrismaService } from 'nestjs-prisma';",
  '',
  '@Injectable()',
  'export class IssuesService {',
  "  constructor(private prisma: PrismaService, @InjectQueue('issues') private readonly issues: Queue) {}",
  '',
  '  async create(title: string) {',
  '    const issue = await this.prisma.issue.create({ data: { title } });',
  "    await this.issues.add('triage', { issueId: issue.id });",
  '    return issue;',
  '  }',
  '}',
);

const TYPEGOOSE_MODEL = lines(
  "import { getModelForClass, prop } from '@typegoose/typegoose';",
  '',
  'export class LoginSchema {',
  '  @prop({ required: true }) public userId!: string;',
  '}',
  'export const LoginModel = getModelForClass(LoginSchema);',
);

const TYPEGOOSE_CONSUMER = lines(
  "import { Kafka } from 'kafkajs';",
  "import { LoginModel } from './login';",
  '',
  "const consumer = new Kafka({ clientId: 'audit', brokers: [process.env.KAFKA_BROKER!] }).consumer({ groupId: 'audit' });",
  '',
  'export async function start() {',
  "  await consumer.subscribe({ topic: 'users.logged-in' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const event = JSON.parse(message.value!.toString());',
  '      await LoginModel.create({ userId: event.userId });',
  '    },',
  '  });',
  '}',
);

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: "nestjs-prisma's PrismaService write, then a Bull job",
    files: { 'apps/server/src/issues.service.ts': NEST_PRISMA },
    errors: [{ messageId: 'dualWrite', ...at(NEST_PRISMA, "add('triage'"), messageIncludes: 'prisma.issue.create' }],
  }],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{
    name: 'a Kafka handler creating a document through a Typegoose model',
    files: { 'services/audit/src/login.ts': TYPEGOOSE_MODEL, 'services/audit/src/consumer.ts': TYPEGOOSE_CONSUMER },
    errors: [{ messageId: 'unguarded', file: 'services/audit/src/consumer.ts', ...at(TYPEGOOSE_CONSUMER, 'eachMessage'), messageIncludes: 'create into LoginModel' }],
  }],
});
