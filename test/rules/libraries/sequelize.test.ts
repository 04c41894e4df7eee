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
