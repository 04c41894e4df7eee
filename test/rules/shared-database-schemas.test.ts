/**
 * shared-database with a Postgres schema per service in one database: the schema a client works
 * in (TypeORM `schema`, knex `searchPath`, pg `search_path`, a bootstrap client that only creates
 * it), resolved per deployable like the other connection settings, is part of the datastore; raw
 * SQL naming a table in another service's schema is direct evidence of sharing.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Two compose services on one Postgres server and database, each given its own `DB_SCHEMA`. */
const compose = (ordersSchema: string, identitySchema: string) => lines(
  'services:',
  '  orders:',
  '    build: ./services/orders',
  '    environment:',
  '      DB_HOST: postgres',
  '      DB_NAME: shop',
  `      DB_SCHEMA: ${ordersSchema}`,
  '  identity:',
  '    build: ./services/identity',
  '    environment:',
  '      DB_HOST: ${DB_HOST:-postgres}',
  '      DB_NAME: ${DB_NAME:-shop}',
  `      DB_SCHEMA: ${identitySchema}`,
  '  postgres:',
  '    image: postgres:16',
);

/**
 * A NestJS app module whose TypeORM connection works in `DB_SCHEMA` (default `fallback`); with
 * `bootstrap`, a pg client first creates that schema with the same host and database.
 * The TypeORM finding points at `TypeOrmModule.forRootAsync` (line 9, column 5).
 */
const appModule = (fallback: string, bootstrap = false) => lines(
  "import { Module } from '@nestjs/common';", //                                                 1
  "import { TypeOrmModule } from '@nestjs/typeorm';", //                                          2
  "import { Client } from 'pg';", //                                                               3
  '', //                                                                                           4
  `const schema = process.env.DB_SCHEMA || '${fallback}';`, //                                    5
  '', //                                                                                           6
  '@Module({', //                                                                                  7
  '  imports: [', //                                                                               8
  '    TypeOrmModule.forRootAsync({', //                                                           9
  '      useFactory: async () => {', //                                                            10
  "        const host = process.env.DB_HOST || 'localhost';", //                                   11
  "        const database = process.env.DB_NAME || 'shop';", //                                    12
  ...(bootstrap ? [
    '        const client = new Client({ host, database });', //                                    13
    '        await client.connect();',
    '        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);',
    '        await client.end();',
  ] : []),
  "        return { type: 'postgres' as const, host, database, schema, synchronize: true };",
  '      },',
  '    }),',
  '  ],',
  '})',
  'export class AppModule {}',
);

/** A repository module in orders that runs `sql` through the TypeORM entity manager (the query on line 7). */
const ordersQuery = (sql: string) => lines(
  "import { EntityManager } from 'typeorm';", //                           1
  '', //                                                                    2
  "const identitySchema = process.env.IDENTITY_DB_SCHEMA || 'identity';", // 3
  '', //                                                                    4
  'export class ReviewService {', //                                        5
  '  constructor(private readonly manager: EntityManager) {}', //           6
  `  authors = (ids: string[]) => this.manager.query(${sql}, [ids]);`, //   7
  '}', //                                                                   8
);

runRuleTests('shared-database', {
  valid: [
    {
      name: 'one database, a TypeORM schema per service from each compose service\'s DB_SCHEMA, and a bootstrap client that only creates it',
      files: {
        'docker-compose.yml': compose('orders', '${IDENTITY_DB_SCHEMA:-identity}'),
        'services/orders/src/app.module.ts': appModule('public', true),
        'services/identity/src/app.module.ts': appModule('public', true),
      },
    },
    {
      name: 'no deployment sets the schema: the code\'s default decides it',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: shop',
          '  identity:',
          '    build: ./services/identity',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: shop',
        ),
        'services/orders/src/app.module.ts': appModule('orders'),
        'services/identity/src/app.module.ts': appModule('identity'),
      },
    },
    {
      name: 'knex searchPath and a pg search_path option choose different schemas of one database',
      files: {
        '.env': 'DATABASE_URL=postgres://app:secret@postgres:5432/shop\n',
        'services/orders/src/db.ts': lines(
          "import knex from 'knex';",
          '',
          "export const db = knex({ client: 'pg', connection: process.env.DATABASE_URL, searchPath: ['orders', 'public'] });",
        ),
        'services/identity/src/db.ts': lines(
          "import { Pool } from 'pg';",
          '',
          "export const pool = new Pool({ connectionString: process.env.DATABASE_URL, options: '-c search_path=identity' });",
        ),
      },
    },
    {
      name: 'SQL naming the service\'s own schema, or a schema no service is configured with',
      files: {
        'docker-compose.yml': compose('orders', 'identity'),
        'services/orders/src/app.module.ts': appModule('orders'),
        'services/identity/src/app.module.ts': appModule('identity'),
        'services/orders/src/review.service.ts': ordersQuery('"SELECT * FROM orders.reviews r JOIN reporting.users u ON u.id = r.user_id WHERE r.id = ANY($1)"'),
      },
    },
  ],
  invalid: [
    {
      name: 'orders reads a table in the identity service\'s schema with raw SQL',
      files: {
        'docker-compose.yml': compose('orders', 'identity'),
        'services/orders/src/app.module.ts': appModule('orders'),
        'services/identity/src/app.module.ts': appModule('identity'),
        'services/orders/src/review.service.ts': ordersQuery('`SELECT id, name FROM "${identitySchema}"."users" WHERE id = ANY($1)`'),
      },
      // The schema's owner (identity) is the one service connecting to it: only the service that
      // reaches into it is reported, with the owner's connection as the related location.
      errors: [
        {
          messageId: 'shared', file: 'services/orders/src/review.service.ts', line: 7, column: 45,
          messageIncludes: 'datastore postgres:5432/shop (schema identity), which service "identity" also uses (its SQL names identity.users, a table in the schema of "identity")',
          related: ['services/identity/src/app.module.ts:9:5 service "identity" uses the same datastore'],
        },
      ],
    },
    {
      name: 'two services given the same schema of one database',
      files: {
        'docker-compose.yml': compose('shop', 'shop'),
        'services/orders/src/app.module.ts': appModule('orders'),
        'services/identity/src/app.module.ts': appModule('identity'),
      },
      errors: [
        { messageId: 'shared', file: 'services/identity/src/app.module.ts', line: 9, column: 5, messageIncludes: 'postgres:5432/shop (schema shop)' },
        { messageId: 'shared', file: 'services/orders/src/app.module.ts', line: 9, column: 5 },
      ],
    },
  ],
});
