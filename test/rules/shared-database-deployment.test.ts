/**
 * shared-database and the deployment configuration: compose services bound to
 * the folders they build (by build context or Dockerfile path, whatever their
 * name), a root `.env` template that the deployment replaces per service, and
 * one finding per service, datastore and file.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** `services/<name>/src/db.ts` holding a pg pool on `env`; the finding points at `Pool` (line 3, column 25). */
const pgPool = (env: string) => lines(
  "import { Pool } from 'pg';", //                                                   1
  '', //                                                                              2
  `export const pool = new Pool({ connectionString: process.env.${env}, max: 10 });`, // 3
);

/** Services declared with names compose does not use, so only the build says which compose service runs which. */
const ARCHITECTURE = lines(
  'version: 1',
  'services:',
  '  orders:',
  '    paths: [services/orders]',
  '  billing:',
  '    paths: [services/billing]',
);

/** A compose file building both services from the workspace root, each by its Dockerfile, with the given databases. */
const rootContextCompose = (ordersDb: string, billingDb: string) => lines(
  'services:',
  '  orders-api:',
  '    build:',
  '      context: .',
  '      dockerfile: services/orders/Dockerfile',
  '    environment:',
  `      - DATABASE_URL=postgres://app:\${POSTGRES_PASSWORD}@postgres:5432/${ordersDb}`,
  '  billing-worker:',
  '    build:',
  '      context: .',
  '      dockerfile: services/billing/Dockerfile',
  '    environment:',
  `      DATABASE_URL: postgres://app:\${POSTGRES_PASSWORD}@postgres:5432/${billingDb}`,
  '  postgres:',
  '    image: postgres:16',
);

const DOCKERFILE = 'FROM node:20\nCOPY . .\nCMD ["node", "dist/main.js"]\n';

const ROOT_TEMPLATE = 'DATABASE_URL=postgres://app:secret@localhost:5432/shop\n';

runRuleTests('shared-database', {
  valid: [
    {
      name: 'compose builds each service from the root context by its Dockerfile and gives it its own database, over a root template',
      files: {
        'architecture.yaml': ARCHITECTURE,
        '.env.example': ROOT_TEMPLATE,
        'docker-compose.yml': rootContextCompose('orders', 'billing'),
        'services/orders/Dockerfile': DOCKERFILE,
        'services/billing/Dockerfile': DOCKERFILE,
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'compose gives its services their own databases: two services it does not configure are not taken to share the root template',
      files: {
        '.env.example': ROOT_TEMPLATE,
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DATABASE_URL: postgres://app:secret@postgres:5432/orders',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      DATABASE_URL: postgres://app:secret@postgres:5432/billing',
        ),
        'services/shipping/Dockerfile': DOCKERFILE,
        'services/payments/Dockerfile': DOCKERFILE,
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
        'services/shipping/src/db.ts': pgPool('DATABASE_URL'),
        'services/payments/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'a test compose file gives every service one test database; the deployment compose file gives each its own',
      files: {
        'docker-compose.test.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DATABASE_URL: postgres://test:test@postgres:5432/test',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      DATABASE_URL: postgres://test:test@postgres:5432/test',
        ),
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DATABASE_URL: postgres://app:secret@postgres:5432/orders',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      DATABASE_URL: postgres://app:secret@postgres:5432/billing',
        ),
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
  ],
  invalid: [
    {
      name: 'compose builds each service from the root context by its Dockerfile and gives both one database',
      files: {
        'architecture.yaml': ARCHITECTURE,
        'docker-compose.yml': rootContextCompose('shop', 'shop'),
        'services/orders/Dockerfile': DOCKERFILE,
        'services/billing/Dockerfile': DOCKERFILE,
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25, messageIncludes: '(docker-compose.yml:13)' },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25, messageIncludes: '(docker-compose.yml:7)' },
      ],
    },
    {
      name: 'a root .env that no deployment overrides still names one database for both services',
      files: {
        '.env': ROOT_TEMPLATE,
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      NODE_ENV: production',
          '  billing:',
          '    build: ./services/billing',
        ),
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25, messageIncludes: '(.env:1)' },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25, messageIncludes: '(.env:1)' },
      ],
    },
    {
      name: 'a pool and a listener client on the same connection in one file: one finding, at the first',
      files: {
        '.env': ROOT_TEMPLATE,
        'services/orders/src/db.ts': lines(
          "import { Client, Pool } from 'pg';", //                                                     1
          '', //                                                                                        2
          'export const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //          3
          'export const listener = new Client({ connectionString: process.env.DATABASE_URL });', //    4
        ),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25 },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25 },
      ],
    },
  ],
});
