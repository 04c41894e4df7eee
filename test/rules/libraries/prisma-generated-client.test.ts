/**
 * A Prisma client generated into a workspace package and not committed (Prisma 6's `prisma-client`
 * generator: `output = "../src/generated/prisma"`), re-exported by name from the package's barrel
 * (`export { PrismaClient } from './generated/prisma/client.js'`) and imported as a type by a service
 * (`import type { PrismaClient } from '@acme/database'`): the parameter is the Prisma client, so its
 * writes pair with the flow's publish.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const FLOW = lines(
  "import type { PrismaClient } from '@acme/database';",
  "import { Kafka } from 'kafkajs';",
  '',
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  '',
  'export async function releaseFunds(prisma: PrismaClient, escrowId: string) {',
  "  await prisma.escrow.update({ where: { id: escrowId }, data: { status: 'RELEASED' } });",
  "  await producer.send({ topic: 'payments.commands', messages: [{ key: escrowId, value: escrowId }] });",
  '}',
);

const database = (barrel: string) => ({
  'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
  'packages/database/package.json': JSON.stringify({ name: '@acme/database', main: 'dist/index.js', types: 'dist/index.d.ts' }),
  'packages/database/prisma/schema.prisma': lines('generator client {', '  provider = "prisma-client"', '  output   = "../src/generated/prisma"', '}'),
  'packages/database/src/index.ts': barrel,
  'apps/escrow/package.json': JSON.stringify({ name: '@acme/escrow', dependencies: { '@acme/database': 'workspace:*', kafkajs: '^2' } }),
  'apps/escrow/src/release.ts': FLOW,
});

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: 'the client re-exported by name from the generated entry file, imported with its extension',
    files: database(lines("export * from './generated/prisma/enums.js';", "export { PrismaClient } from './generated/prisma/client.js';")),
    errors: [{ messageId: 'dualWrite', file: 'apps/escrow/src/release.ts', ...at(FLOW, 'send('), messageIncludes: 'prisma.escrow.update' }],
  }, {
    name: 'the client re-exported with every name of the generated entry file',
    files: database("export * from './generated/prisma/client';\n"),
    errors: [{ messageId: 'dualWrite', file: 'apps/escrow/src/release.ts', ...at(FLOW, 'send('), messageIncludes: 'prisma.escrow.update' }],
  }],
});
