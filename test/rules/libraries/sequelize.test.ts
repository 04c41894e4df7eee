/** Sequelize (v6 classes, sequelize-typescript, `sequelize.define`) and `@nestjs/sequelize`. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const MODELS = lines(
  "import { Table, Column, Model } from 'sequelize-typescript';",
  '',
  "@Table({ tableName: 'delayed_jobs' })",
  'export class DelayedJob extends Model {',
  '  @Column declare status: string;',
  '}',
  '',
  "@Table({ tableName: 'projects' })",
  'export class Project extends Model {',
  '  @Column declare applicationId: number;',
  '}',
);

const CONTROLLER = lines(
  "import { Queue } from 'bullmq';",
  "import { DelayedJob } from './models';",
  '',
  "const exportQueue = new Queue('exports', { connection: { host: process.env.REDIS_HOST } });",
  '',
  'export async function startExport(projectId: number) {',
  "  const job = await DelayedJob.create({ status: 'pending' });",
  "  await exportQueue.add('projectExport', { projectId, delayedJobId: job.id }, { jobId: `export-${projectId}` });",
  '  return job;',
  '}',
);

const PROCESSOR = lines(
  "import { Processor, WorkerHost } from '@nestjs/bullmq';",
  "import { Job } from 'bullmq';",
  "import { Project } from './models';",
  '',
  "@Processor('applications')",
  'export class ApplicationProcessor extends WorkerHost {',
  '  async process(job: Job<{ applicationId: number }>) {',
  '    await Project.create({ applicationId: job.data.applicationId });',
  '  }',
  '}',
);

const FIND_OR_CREATE = lines(
  "import { Processor, WorkerHost } from '@nestjs/bullmq';",
  "import { Job } from 'bullmq';",
  "import { Project } from './models';",
  '',
  "@Processor('applications')",
  'export class ApplicationProcessor extends WorkerHost {',
  '  async process(job: Job<{ applicationId: number }>) {',
  '    await Project.findOrCreate({ where: { applicationId: job.data.applicationId } });',
  '    const project = await Project.findByPk(job.data.applicationId);',
  '    await project?.update({ applicationId: job.data.applicationId });',
  '  }',
  '}',
);

const DEFINE_INCREMENT = lines(
  "import { Sequelize, DataTypes } from 'sequelize';",
  "import { Kafka } from 'kafkajs';",
  '',
  'const sequelize = new Sequelize(process.env.DATABASE_URL!);',
  "const Counter = sequelize.define('counters', { name: DataTypes.STRING, value: DataTypes.INTEGER });",
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'stats' });",
  '',
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'page.viewed' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  "      await Counter.increment('value', { where: { name: message.key?.toString() } });",
  '    },',
  '  });',
  '}',
);

/** A workspace base model (as in larger sequelize-typescript products) with a static helper typed by its `this` parameter. */
const BASE_MODELS = lines(
  "import { Model as SequelizeModel, Table, Column } from 'sequelize-typescript';",
  "import type { ModelStatic } from 'sequelize';",
  '',
  'class BaseModel extends SequelizeModel {',
  '  static createWithCtx<M extends BaseModel>(this: ModelStatic<M>, ctx: { actorId: string }, values: object) {',
  '    return this.create(values);',
  '  }',
  '}',
  '',
  "@Table({ tableName: 'teams' })",
  'export class Team extends BaseModel {',
  '  @Column declare visits: number;',
  '  async visit() {',
  "    await this.increment('visits');",
  '  }',
  '}',
);

/** A kafkajs handler on the team models, `body` being the statements run per message. */
const teamConsumer = (...body: string[]) => lines(
  "import { Kafka } from 'kafkajs';",
  "import { Team } from './models';",
  '',
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'teams' });",
  '',
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'team.visited' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const id = message.key?.toString();',
  ...body.map((b) => `      ${b}`),
  '    },',
  '  });',
  '}',
);

const WRITES_THROUGH = [
  ['a static helper whose `this: ModelStatic<M>` creates the row', "await Team.createWithCtx({ actorId: 'system' }, { name: id });"],
  ['an instance method that increments `this`', 'const team = (await Team.findByPk(id)) as Team | null; await team?.visit();'],
  ['a scoped model (`Team.scope(...)`)', "const team = await Team.scope('active').findOne({ where: { id } }); await team?.increment('visits');"],
  ['a row found on one branch of a conditional, and an associated row `$create`d', "const team = id ? await Team.findByPk(id) : undefined; await team?.$create('visit', { at: Date.now() });"],
] as const;

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'an update found through the same helpers sets the same values again',
    files: {
      'services/teams/src/models.ts': BASE_MODELS,
      'services/teams/src/consumer.ts': teamConsumer("const team = id ? await Team.scope('active').findByPk(id) : undefined; await team?.update({ visits: 1 });"),
    },
  }],
  invalid: WRITES_THROUGH.map(([name, body]) => {
    const consumer = teamConsumer(body);
    return {
      name: `a non-idempotent write through ${name}`,
      files: { 'services/teams/src/models.ts': BASE_MODELS, 'services/teams/src/consumer.ts': consumer },
      errors: [{ messageId: 'unguarded', file: 'services/teams/src/consumer.ts', ...at(consumer, 'eachMessage') }],
    };
  }),
});

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'findOrCreate and instance update are idempotent', files: { 'services/entities/src/models.ts': MODELS, 'services/entities/src/processor.ts': FIND_OR_CREATE } }],
  invalid: [
    {
      name: 'WorkerHost.process creates a sequelize-typescript row per job',
      files: { 'services/entities/src/models.ts': MODELS, 'services/entities/src/processor.ts': PROCESSOR },
      errors: [{ messageId: 'unguarded', file: 'services/entities/src/processor.ts', ...at(PROCESSOR, 'Processor(') }],
    },
    {
      name: 'kafkajs handler calling Model.increment on a sequelize.define model',
      files: { 'services/stats/src/consumer.ts': DEFINE_INCREMENT },
      errors: [{ messageId: 'unguarded', ...at(DEFINE_INCREMENT, 'eachMessage') }],
    },
  ],
});

runRuleTests('dual-write', {
  valid: [{ name: 'a processor that only writes', files: { 'services/entities/src/models.ts': MODELS, 'services/entities/src/processor.ts': PROCESSOR } }],
  invalid: [{
    name: 'DelayedJob.create then queue.add, no outbox',
    files: { 'services/entities/src/models.ts': MODELS, 'services/entities/src/controller.ts': CONTROLLER },
    errors: [{ messageId: 'dualWrite', file: 'services/entities/src/controller.ts', ...at(CONTROLLER, 'add(') }],
  }],
});
