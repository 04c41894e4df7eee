/**
 * dual-write through a tRPC server's context: a procedure's `ctx.prisma` is the client the context
 * creator returns (facts/trpcContext.ts), named by `initTRPC.context<typeof createTRPCContext>()`.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const db = lines(
  "import { PrismaClient } from '@prisma/client';",
  'export const prisma = new PrismaClient();',
);

/** The server's tRPC setup: `context` names the creator, which returns an inner creator's object. */
const trpc = (contextType: string) => lines(
  "import { initTRPC } from '@trpc/server';",
  "import { prisma } from './db';",
  'export const createInnerContext = (session: string | null) => {',
  '  return { session, prisma };',
  '};',
  'export const createContext = async (opts: { session: string | null }) => {',
  '  return createInnerContext(opts.session);',
  '};',
  'type Context = Awaited<ReturnType<typeof createContext>>;',
  `const t = initTRPC.context<${contextType}>().create();`,
  'export const router = t.router;',
  'export const procedure = t.procedure;',
);

/** A procedure writing through ctx.prisma (line 7), then queueing a job (line 8). */
const exportsRouter = (param: string, prisma: string) => lines(
  "import { Queue } from 'bullmq';",
  "import { router, procedure } from './trpc';",
  "const exportQueue = new Queue('batch-export');",
  'export const exportsRouter = router({',
  `  create: procedure.mutation(async (${param}) => {`,
  '    const name = "export";',
  `    const job = await ${prisma}.batchExport.create({ data: { name, status: 'QUEUED' } });`,
  "    await exportQueue.add('export', { id: job.id });",
  '  }),',
  '});',
);

const files = (contextType: string, param: string, prisma: string) => ({
  'src/server/db.ts': db,
  'src/server/trpc.ts': trpc(contextType),
  'src/server/exports.ts': exportsRouter(param, prisma),
});

const at = [{ messageId: 'dualWrite', file: 'src/server/exports.ts', line: 8, column: 23, messageIncludes: 'This flow writes `prisma.batchExport.create`' }];

runRuleTests('dual-write', {
  valid: [
    {
      name: 'a ctx member the context creator does not return is not typed',
      files: files('typeof createContext', '{ ctx }', '(ctx as any).other'),
    },
  ],
  invalid: [
    {
      name: '({ ctx }) => ctx.prisma...: the client the creator returns through the inner creator',
      files: files('typeof createContext', '{ ctx }', 'ctx.prisma'),
      errors: at,
    },
    {
      name: 'opts.ctx.prisma, with the context named through a type alias',
      files: files('Context', 'opts', 'opts.ctx.prisma'),
      errors: at,
    },
  ],
});
