/**
 * shared-database and missing-correlation-id on process types: the deployables one Procfile runs (`web`, `clock`, `queue`,
 * also from a `Procfile.back` kept in a subfolder whose paths start at the root) are one
 * application on Heroku, Scalingo or Dokku, with one set of config vars and add-ons: their shared
 * database is the application's own. A service deployed apart (its own Procfile, or compose)
 * reaching the same database is still reported, and an Nx application in a library folder
 * (a seeding tool) is not a deployable when the deployment runs other packages. A job one process
 * queues for another process of the same application stays in the application: no hop.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A Nest-less Nx app whose entry imports the shared Prisma client (line 1 is the import). */
const app = () => lines("import { prisma } from '../../../libs/prisma/src';", 'export async function main() { await prisma.user.count(); }');
const nxApp = (name: string, type = 'application') => JSON.stringify({ name, projectType: type, sourceRoot: 'src' });

const SHARED = {
  'package.json': JSON.stringify({ name: 'acme', private: true, dependencies: { '@prisma/client': '^6.0.0' } }),
  'libs/prisma/project.json': nxApp('prisma', 'library'),
  'libs/prisma/src/index.ts': lines("import { PrismaClient } from '@prisma/client';", 'export const prisma = new PrismaClient();'),
  'libs/prisma/prisma/schema.prisma': lines('datasource db {', '  provider = "postgresql"', '  url      = env("DATABASE_URL")', '}'),
  'apps/api/project.json': nxApp('api'),
  'apps/api/src/main.ts': app(),
  'apps/worker/project.json': nxApp('worker'),
  'apps/worker/src/main.ts': app(),
  'apps/cron/project.json': nxApp('cron'),
  'apps/cron/src/main.ts': app(),
  'libs/seed-tool/project.json': nxApp('seed-tool'),
  'libs/seed-tool/src/main.ts': lines("import { prisma } from '../../prisma/src';", 'export async function seed() { await prisma.user.create({ data: {} }); }'),
};

/** One application: every process of it in `apps/Procfile.back`, run from the root. */
const ONE_APP = lines('web: node apps/api/dist/main.js', 'queue: node apps/worker/dist/main.js', 'clock: node apps/cron/dist/main.js');

runRuleTests('shared-database', {
  valid: [
    { name: 'web, queue and clock processes of one Procfile, and a seeding tool in libs/: one application', files: { ...SHARED, 'apps/Procfile.back': ONE_APP } },
  ],
  invalid: [
    {
      name: 'the cron deployed as an application of its own (another Procfile) reaches the same database',
      files: {
        ...SHARED,
        'apps/Procfile.back': lines('web: node apps/api/dist/main.js', 'queue: node apps/worker/dist/main.js'),
        'apps/Procfile.cron': lines('clock: node apps/cron/dist/main.js'),
      },
      errors: [
        { messageId: 'shared', file: 'apps/api/src/main.ts', line: 1, column: 24, messageIncludes: 'which service "cron" also uses' },
        { messageId: 'shared', file: 'apps/cron/src/main.ts', line: 1, column: 24, messageIncludes: 'which services "api", "worker" also use' },
        { messageId: 'shared', file: 'apps/worker/src/main.ts', line: 1, column: 24, messageIncludes: 'which service "cron" also uses' },
      ],
    },
  ],
});

/** `apps/api` queues a Bull job that `apps/worker` processes (line 4 is the `add`). */
const JOBS = {
  'apps/api/src/jobs.ts': lines(
    "import Queue from 'bull';",
    "const geocode = new Queue('company-geocode', process.env.REDIS_URL!);",
    'export async function companyCreated(siret: string) {',
    '  await geocode.add({ siret });',
    '}',
  ),
  'apps/worker/src/jobs.ts': lines(
    "import Queue from 'bull';",
    "const geocode = new Queue('company-geocode', process.env.REDIS_URL!);",
    'geocode.process(async (job) => { console.log(job.data.siret); });',
  ),
};

runRuleTests('missing-correlation-id', {
  valid: [
    { name: "a job queued by the web process for the queue process of the same Procfile: the application's own queue", files: { ...SHARED, ...JOBS, 'apps/Procfile.back': ONE_APP } },
  ],
  invalid: [
    {
      name: 'the worker deployed as an application of its own: a hop between services',
      files: { ...SHARED, ...JOBS, 'apps/Procfile.back': lines('web: node apps/api/dist/main.js', 'clock: node apps/cron/dist/main.js'), 'apps/Procfile.worker': lines('queue: node apps/worker/dist/main.js') },
      errors: [{ messageId: 'missing', file: 'apps/api/src/jobs.ts', line: 4, column: 17 }],
    },
  ],
});
