/**
 * shared-database: two services reaching one datastore (same connection
 * env var or URL, same shared client module), or a service touching a
 * datastore the architecture file gives to another service.
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

const ROOT_PACKAGE = JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*', 'libs/*'] }, null, 2);

/** `@acme/database` (a Nest module connecting TypeORM) and the manifest of `@acme/common`, whose module may import it. */
const DATABASE_AND_COMMON_PACKAGES = {
  'package.json': ROOT_PACKAGE,
  'libs/database/package.json': JSON.stringify({ name: '@acme/database', version: '1.0.0', main: 'src/index.ts' }),
  'libs/database/src/index.ts': "export * from './lib/database.module';\n",
  'libs/database/src/lib/database.module.ts': lines(
    "import { Module } from '@nestjs/common';",
    "import { TypeOrmModule } from '@nestjs/typeorm';",
    '',
    "@Module({ imports: [TypeOrmModule.forRoot({ type: 'postgres', host: process.env.DB_HOST, database: process.env.DB_NAME })] })",
    'export class DatabaseModule {}',
  ),
  'libs/common/package.json': JSON.stringify({ name: '@acme/common', version: '1.0.0', main: 'src/index.ts' }),
};

const ARCHITECTURE = lines(
  'version: 1',
  'services:',
  '  orders:',
  '    paths: [services/orders]',
  '  billing:',
  '    paths: [services/billing]',
  'datastores:',
  '  orders-db:',
  '    kind: postgres',
  '    owner: orders',
  '    connection:',
  '      env: ORDERS_DATABASE_URL',
  '      url: postgres://orders-db:5432/orders',
  '  billing-db:',
  '    kind: postgres',
  '    owner: billing',
  '    connection:',
  '      env: BILLING_DATABASE_URL',
);

/** `@acme/db`: a pool a function builds from env vars, the functions that call it, and a constant beside them. */
const POOL_FACTORY = {
  'package.json': ROOT_PACKAGE,
  'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
  'libs/db/src/index.ts': "export * from './pool';\nexport * from './repositories';\nexport * from './constants';\n",
  'libs/db/src/pool.ts': lines(
    "import { Pool } from 'pg';",
    'export function createPool(): Pool {',
    '  return new Pool({ host: process.env.DATABASE_HOST, database: process.env.DATABASE_NAME });',
    '}',
  ),
  'libs/db/src/repositories.ts': lines(
    "import { createPool } from './pool';",
    'let pool: ReturnType<typeof createPool> | undefined;',
    'function getPool() {',
    '  return (pool ??= createPool());',
    '}',
    "export const findOrder = (id: string) => getPool().query('SELECT * FROM orders WHERE id = $1', [id]);",
  ),
  'libs/db/src/constants.ts': "export const ORDERS_QUEUE = 'orders';\n",
};

runRuleTests('shared-database', {
  valid: [
    {
      name: 'each service reads its own connection env var',
      files: {
        'services/orders/src/db.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('BILLING_DATABASE_URL'),
      },
    },
    {
      name: 'the same env var name points at a different database in each compose service',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DATABASE_URL: postgres://orders:secret@orders-db:5432/orders',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      - DATABASE_URL=postgres://billing:secret@billing-db:5432/billing',
          '  orders-db:',
          '    image: postgres:16',
          '  billing-db:',
          '    image: postgres:16',
        ),
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'Prisma schemas read DATABASE_URL, and each service .env gives its own database',
      files: {
        'services/orders/prisma/schema.prisma': lines(
          'datasource db {',
          '  provider = "postgresql"',
          '  url      = env("DATABASE_URL")',
          '}',
        ),
        'services/orders/.env': 'DATABASE_URL="postgresql://orders:secret@postgres:5432/orders?schema=public"\n',
        'services/orders/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
        'services/billing/prisma/schema.prisma': lines(
          'datasource db {',
          '  provider = "postgresql"',
          '  url      = env("DATABASE_URL")',
          '}',
        ),
        'services/billing/.env': 'DATABASE_URL="postgresql://billing:secret@postgres:5432/billing?schema=public"\n',
        'services/billing/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
      },
    },
    {
      name: 'host and database name from separate env vars: same server, different databases',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: orders',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: billing',
        ),
        'services/orders/src/data-source.ts': lines(
          "import { DataSource } from 'typeorm';",
          '',
          'export const dataSource = new DataSource({',
          "  type: 'postgres',",
          '  host: process.env.DB_HOST,',
          '  port: Number(process.env.DB_PORT ?? 5432),',
          '  username: process.env.DB_USER,',
          '  password: process.env.DB_PASSWORD,',
          '  database: process.env.DB_NAME,',
          '});',
        ),
        'services/billing/src/data-source.ts': lines(
          "import { DataSource } from 'typeorm';",
          '',
          'export const dataSource = new DataSource({',
          "  type: 'postgres',",
          '  host: process.env.DB_HOST,',
          '  database: process.env.DB_NAME,',
          '});',
        ),
      },
    },
    {
      name: 'one MongoDB server, a database per service chosen in code',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      MONGO_URL: mongodb://mongo:27017',
          '  catalog:',
          '    build: ./services/catalog',
          '    environment:',
          '      MONGO_URL: mongodb://mongo:27017',
        ),
        'services/orders/src/db.ts': lines(
          "import { MongoClient } from 'mongodb';",
          '',
          'const client = new MongoClient(process.env.MONGO_URL!);',
          "export const orders = client.db('orders').collection('orders');",
        ),
        'services/catalog/src/db.ts': lines(
          "import mongoose from 'mongoose';",
          '',
          "export const connect = () => mongoose.connect(process.env.MONGO_URL!, { dbName: 'catalog' });",
        ),
      },
    },
    {
      name: 'a shared client module imported by one service only',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0' }),
        'libs/db/src/index.ts': pgPool('DATABASE_URL'),
        'services/orders/src/repo.ts': "import { pool } from '@acme/db';\n\nexport const count = () => pool.query('SELECT count(*) FROM orders');\n",
        'services/billing/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'a second service importing only types from the shared client package',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
        'libs/db/src/index.ts': `${pgPool('DATABASE_URL')}export interface Order { id: string }\n`,
        'services/orders/src/repo.ts': "import { pool } from '@acme/db';\n\nexport const count = () => pool.query('SELECT count(*) FROM orders');\n",
        'services/billing/src/view.ts': "import type { Order } from '@acme/db';\nimport { type Pool } from '@acme/db';\n\nexport const label = (o: Order, _p?: Pool) => o.id;\n",
      },
    },
    {
      name: 'a shared pool factory, each service passing its own database',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0' }),
        'libs/db/src/index.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export function createPool(connectionString: string | undefined, applicationName: string): Pool {',
          '  return new Pool({ connectionString, application_name: applicationName, max: 10 });',
          '}',
        ),
        'services/orders/src/db.ts': "import { createPool } from '@acme/db';\n\nexport const pool = createPool(process.env.ORDERS_DATABASE_URL, 'orders');\n",
        'services/billing/src/db.ts': "import { createPool } from '@acme/db';\n\nexport const pool = createPool(process.env.BILLING_DATABASE_URL, 'billing');\n",
      },
    },
    {
      name: 'architecture.yaml: each service uses only the datastore it owns',
      files: {
        'architecture.yaml': ARCHITECTURE,
        'services/orders/src/db.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/orders/src/read-model.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('BILLING_DATABASE_URL'),
      },
    },
    {
      // The same name is no evidence of one database: each service's deployment (not in the
      // repository) may give it its own. Only a binding, a URL or a shared client module is.
      name: 'two services read the same DATABASE_URL and nothing in the repository binds it',
      files: {
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'each service has its own TypeORM data source on DB_HOST/DB_NAME, set by no deployment file',
      files: {
        'services/orders/src/data-source.ts': "import { DataSource } from 'typeorm';\n\nexport const ds = new DataSource({ type: 'postgres', host: process.env.DB_HOST, database: process.env.DB_NAME });\n",
        'services/billing/src/data-source.ts': "import { DataSource } from 'typeorm';\n\nexport const ds = new DataSource({ type: 'postgres', host: process.env.DB_HOST, database: process.env.DB_NAME });\n",
      },
    },
    {
      name: 'a second service importing only a constant and a DTO from the barrel of the shared client package',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
        'libs/db/src/index.ts': "export * from './pool';\nexport * from './constants';\nexport * from './order.dto';\n",
        'libs/db/src/pool.ts': pgPool('DATABASE_URL'),
        'libs/db/src/constants.ts': "export const ORDERS_QUEUE = 'orders';\n",
        'libs/db/src/order.dto.ts': 'export class OrderDto { id = \'\'; }\n',
        'services/orders/src/repo.ts': "import { pool } from '@acme/db';\n\nexport const count = () => pool.query('SELECT count(*) FROM orders');\n",
        'services/billing/src/main.ts': "import { ORDERS_QUEUE, OrderDto } from '@acme/db';\n\nexport const queue = ORDERS_QUEUE;\nexport const empty = new OrderDto();\n",
      },
    },
    {
      name: 'each compose service given its own env file that is written at deploy time',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    env_file: ./deploy/orders.env',
          '  billing:',
          '    build: ./services/billing',
          '    env_file: ./deploy/billing.env',
        ),
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'a second service importing a config from the barrel of a package that also holds the database module',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/shared/package.json': JSON.stringify({ name: '@acme/shared', version: '1.0.0', main: 'src/index.ts' }),
        'libs/shared/src/index.ts': "export * from './postgres.module';\nexport * from './grpc.config';\n",
        'libs/shared/src/postgres.module.ts': "import { Module } from '@nestjs/common';\nimport { TypeOrmModule } from '@nestjs/typeorm';\n\n@Module({ imports: [TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL })] })\nexport class PostgresModule {}\n",
        'libs/shared/src/grpc.config.ts': "import { registerAs } from '@nestjs/config';\n\nexport const grpcConfig = registerAs('grpc', () => ({ url: process.env.GRPC_URL }));\n",
        'services/orders/src/app.module.ts': "import { Module } from '@nestjs/common';\nimport { PostgresModule } from '@acme/shared';\n\n@Module({ imports: [PostgresModule] })\nexport class AppModule {}\n",
        'services/gateway/src/app.module.ts': "import { Module } from '@nestjs/common';\nimport { grpcConfig } from '@acme/shared';\n\n@Module({ providers: [{ provide: 'GRPC', useFactory: grpcConfig }] })\nexport class AppModule {}\n",
      },
    },
    {
      name: 'a pool a shared function builds: a second service importing the package for a constant never calls it',
      files: {
        ...POOL_FACTORY,
        'services/orders/src/main.ts': "import { findOrder } from '@acme/db';\n\nexport const show = (id: string) => findOrder(id);\n",
        'services/billing/src/main.ts': "import { ORDERS_QUEUE } from '@acme/db';\n\nexport const queue = ORDERS_QUEUE;\n",
      },
    },
    {
      name: 'a one-off script outside any service shares nothing with a service',
      files: {
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/main.ts': 'export const port = 3000;\n',
        'scripts/migrate.ts': pgPool('DATABASE_URL'),
      },
    },
    {
      name: 'one Postgres server, a database per service in the URL',
      files: {
        '.env': lines(
          'ORDERS_DATABASE_URL=postgres://app:secret@postgres:5432/orders',
          'BILLING_DATABASE_URL=postgres://app:secret@postgres:5432/billing',
        ),
        'services/orders/src/db.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('BILLING_DATABASE_URL'),
      },
    },
    {
      name: 'env vars that are not connection settings are not datastore identities',
      files: {
        'services/orders/src/db.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export const pool = new Pool({ max: Number(process.env.POOL_SIZE), statement_timeout: Number(process.env.PG_TIMEOUT_MS) });',
        ),
        'services/billing/src/db.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export const pool = new Pool({ max: Number(process.env.POOL_SIZE), statement_timeout: Number(process.env.PG_TIMEOUT_MS) });',
        ),
      },
    },
    {
      name: 'a shared client module whose env var each service deployment points at its own database',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0' }),
        'libs/db/src/index.ts': pgPool('DATABASE_URL'),
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DATABASE_URL: postgres://orders:secret@postgres:5432/orders',
          '  billing:',
          '    build: ./services/billing',
          '    env_file: ./services/billing/billing.env',
        ),
        'services/billing/billing.env': 'DATABASE_URL=postgres://billing:secret@postgres:5432/billing\n',
        'services/orders/src/repo.ts': "import { pool } from '@acme/db';\n\nexport const count = () => pool.query('SELECT count(*) FROM orders');\n",
        'services/billing/src/repo.ts': "import { pool } from '@acme/db';\n\nexport const count = () => pool.query('SELECT count(*) FROM invoices');\n",
      },
    },
    {
      name: 'one Postgres database, a Prisma schema per service',
      files: {
        '.env': lines(
          'ORDERS_DATABASE_URL="postgresql://app:secret@postgres:5432/shop?schema=orders"',
          'BILLING_DATABASE_URL="postgresql://app:secret@postgres:5432/shop?schema=billing"',
        ),
        'services/orders/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("ORDERS_DATABASE_URL")\n}\n',
        'services/orders/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
        'services/billing/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("BILLING_DATABASE_URL")\n}\n',
        'services/billing/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
      },
    },
    {
      name: 'two services import a common Nest module whose import of the database module is left behind, commented out of its imports',
      files: {
        ...DATABASE_AND_COMMON_PACKAGES,
        'libs/common/src/index.ts': "export * from './lib/common.module';\n",
        'libs/common/src/lib/common.module.ts': "import { Module } from '@nestjs/common';\nimport { DatabaseModule } from '@acme/database';\n\n@Module({ imports: [/* DatabaseModule */] })\nexport class CommonModule {}\n",
        'services/orders/src/app.module.ts': "import { Module } from '@nestjs/common';\nimport { CommonModule } from '@acme/common';\n\n@Module({ imports: [CommonModule] })\nexport class AppModule {}\n",
        'services/billing/src/app.module.ts': "import { Module } from '@nestjs/common';\nimport { CommonModule } from '@acme/common';\n\n@Module({ imports: [CommonModule] })\nexport class AppModule {}\n",
      },
    },
  ],
  invalid: [
    {
      name: 'compose gives two env var names the same database URL',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      ORDERS_DATABASE_URL: postgres://orders:secret@postgres:5432/shop',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      - BILLING_DB_URL=postgres://billing:other@postgres/shop',
          '  postgres:',
          '    image: postgres:16',
        ),
        'services/orders/src/db.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/billing/src/db.ts': lines(
          "import pg from 'pg';", //                                                             1
          '', //                                                                                  2
          'export const client = new pg.Client({ connectionString: process.env.BILLING_DB_URL });', // 3
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 27 },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25 },
      ],
    },
    {
      name: 'mysql2 pools whose .env files name the same database',
      files: {
        'services/orders/.env': 'MYSQL_URL=mysql://orders:secret@mysql:3306/shop\n',
        'services/orders/src/db.ts': lines(
          "import mysql from 'mysql2/promise';", //                             1
          '', //                                                                 2
          'export const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: 10 });', // 3
        ),
        'services/billing/.env': 'DATABASE_URL=mysql://root:root@mysql/shop\n',
        'services/billing/src/db.ts': lines(
          "import { createPool } from 'mysql2';", //                           1
          '', //                                                                 2
          'export const pool = createPool(process.env.DATABASE_URL!).promise();', // 3
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 21 },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 21 },
      ],
    },
    {
      name: 'a pool a shared function builds, reached by two services through the functions that call it',
      files: {
        ...POOL_FACTORY,
        'services/orders/src/main.ts': lines(
          "import { findOrder } from '@acme/db';", //                                          1
          '',
          'export const show = (id: string) => findOrder(id);', //                              3
        ),
        'services/billing/src/main.ts': lines(
          "import { ORDERS_QUEUE, findOrder } from '@acme/db';", //                              1
          '',
          'export const check = (id: string) => findOrder(id).then(() => ORDERS_QUEUE);', //    3
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/main.ts', line: 3, column: 38 },
        { messageId: 'shared', file: 'services/orders/src/main.ts', line: 3, column: 37 },
      ],
    },
    {
      name: 'a shared client module imported by two services through its workspace package name',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
        'libs/db/src/index.ts': pgPool('DATABASE_URL'),
        'services/orders/src/repo.ts': lines(
          "import { pool } from '@acme/db';", //                                              1
          '',
          "export const findOrder = (id: string) => pool.query('SELECT * FROM orders WHERE id = $1', [id]);",
        ),
        'services/billing/src/repo.ts': lines(
          "import { pool } from '@acme/db';", //                                              1
          '',
          "export const unpaid = () => pool.query('SELECT * FROM orders WHERE paid = false');",
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/repo.ts', line: 1, column: 22 },
        { messageId: 'shared', file: 'services/orders/src/repo.ts', line: 1, column: 22 },
      ],
    },
    {
      name: 'a shared client module imported by two services through relative paths',
      files: {
        'libs/db/src/index.ts': pgPool('DATABASE_URL'),
        'services/orders/src/repo.ts': lines(
          "import { pool } from '../../../libs/db/src';", //                                   1
          '',
          "export const findOrder = (id: string) => pool.query('SELECT * FROM orders WHERE id = $1', [id]);",
        ),
        'services/billing/src/repo.ts': lines(
          "import { pool } from '../../../libs/db/src/index';", //                             1
          '',
          "export const unpaid = () => pool.query('SELECT * FROM orders WHERE paid = false');",
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/repo.ts', line: 1, column: 22 },
        { messageId: 'shared', file: 'services/orders/src/repo.ts', line: 1, column: 22 },
      ],
    },
    {
      name: 'two services import the repository a shared package builds on its client, through the barrel',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
        'libs/db/src/index.ts': "export * from './orders.repository';\nexport * from './constants';\n",
        'libs/db/src/client.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
        'libs/db/src/orders.repository.ts': "import { prisma } from './client';\n\nexport const findOrder = (id: string) => prisma.order.findUnique({ where: { id } });\n",
        'libs/db/src/constants.ts': "export const ORDERS_QUEUE = 'orders';\n",
        'services/orders/src/main.ts': lines(
          "import { findOrder } from '@acme/db';", //                                          1
          '',
          "export const show = (id: string) => findOrder(id);",
        ),
        'services/billing/src/main.ts': lines(
          "import { ORDERS_QUEUE, findOrder } from '@acme/db';", //                              1
          '',
          'export const check = (id: string) => findOrder(id).then(() => ORDERS_QUEUE);',
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/main.ts', line: 1, column: 41 },
        { messageId: 'shared', file: 'services/orders/src/main.ts', line: 1, column: 27 },
      ],
    },
    {
      name: 'two compose services given the same env file, written at deploy time',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    env_file: .env.production',
          '  billing:',
          '    build: ./services/billing',
          '    env_file:',
          '      - .env.production',
        ),
        'services/orders/src/db.ts': pgPool('DATABASE_URL'),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
      errors: [
        {
          messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25,
          messageIncludes: '(DATABASE_URL from .env.production (set at deploy time, not in the workspace))',
        },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25 },
      ],
    },
    {
      name: 'a host compose names, with the port and database from an env file written at deploy time: the datastore is shown by its variables',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    env_file: .env',
          '    environment:',
          '      DB_HOST: shop-postgres',
          '  billing:',
          '    build: ./services/billing',
          '    env_file: .env',
          '    environment:',
          '      DB_HOST: shop-postgres',
        ),
        'services/orders/src/db.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export const pool = new Pool({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT), database: process.env.DB_NAME });',
        ),
        'services/billing/src/db.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export const pool = new Pool({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT), database: process.env.DB_NAME });',
        ),
      },
      errors: [
        {
          messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25,
          messageIncludes: 'connects to datastore shop-postgres:$DB_PORT/$DB_NAME, which service "orders" also uses (DB_HOST=shop-postgres (docker-compose.yml:11), DB_NAME from .env (set at deploy time, not in the workspace)',
        },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 25 },
      ],
    },
    {
      name: 'one Dockerfile for every app chosen by a build arg, compose naming the same host and an interpolated database',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  acme-orders:',
          '    build:',
          '      context: .',
          '      dockerfile: ./deploy/Dockerfile',
          '      args:',
          '        SERVICE: orders',
          '    environment:',
          "      DB_HOST: 'acme-db'",
          '      DB_DATABASE: ${POSTGRES_DB:?POSTGRES_DB is missing}',
          '  acme-billing:',
          '    build:',
          '      context: .',
          '      dockerfile: ./deploy/Dockerfile',
          '      args:',
          '        - SERVICE=billing',
          '    environment:',
          "      DB_HOST: 'acme-db'",
          '      DB_DATABASE: ${POSTGRES_DB:?POSTGRES_DB is missing}',
          '  acme-db:',
          '    image: postgres:16',
        ),
        'deploy/Dockerfile': 'FROM node:20\nARG SERVICE\nENV DB_PORT 5432\nCMD node dist/apps/${SERVICE}/main.js\n',
        'apps/orders/src/main.ts': lines(
          "import { Sequelize } from 'sequelize';", //                                                    1
          '',
          'const database = process.env.DB_DATABASE;', //                                                  3
          "const options: Record<string, unknown> = { dialect: 'postgres', database };",
          'if (process.env.DB_READ_HOST) options.replication = { read: [{ host: process.env.DB_READ_HOST }] };',
          'else options.host = process.env.DB_HOST;',
          'export const db = new Sequelize(options);', //                                                    7
        ),
        'apps/billing/src/main.ts': "import { Sequelize } from 'sequelize';\n\nexport const db = new Sequelize({ dialect: 'postgres', host: process.env.DB_HOST, database: process.env.DB_DATABASE });\n",
      },
      errors: [
        { messageId: 'shared', file: 'apps/billing/src/main.ts', line: 3, column: 23 },
        { messageId: 'shared', file: 'apps/orders/src/main.ts', line: 7, column: 23 },
      ],
    },
    {
      name: 'two services import a common Nest module that imports the database module of another shared package, through barrels',
      files: {
        ...DATABASE_AND_COMMON_PACKAGES,
        'libs/common/src/index.ts': "export * from './lib/common.module';\nexport const VERSION = '1';\n",
        'libs/common/src/lib/common.module.ts': "import { Module } from '@nestjs/common';\nimport { DatabaseModule } from '@acme/database';\n\n@Module({ imports: [DatabaseModule] })\nexport class CommonModule {}\n",
        'services/orders/src/app.module.ts': lines(
          "import { Module } from '@nestjs/common';",
          "import { CommonModule } from '@acme/common';", //                                   2
          '',
          '@Module({ imports: [CommonModule] })',
          'export class AppModule {}',
        ),
        'services/billing/src/app.module.ts': lines(
          "import { Module } from '@nestjs/common';",
          "import { CommonModule } from '@acme/common';", //                                   2
          '',
          '@Module({ imports: [CommonModule] })',
          'export class AppModule {}',
        ),
        'services/shipping/src/main.ts': "import { VERSION } from '@acme/common';\n\nexport const version = VERSION;\n",
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/app.module.ts', line: 2, column: 30 },
        { messageId: 'shared', file: 'services/orders/src/app.module.ts', line: 2, column: 30 },
      ],
    },
    {
      name: 'architecture.yaml: billing reads the env var of a datastore orders owns',
      files: {
        'architecture.yaml': ARCHITECTURE,
        'services/orders/src/db.ts': pgPool('ORDERS_DATABASE_URL'),
        'services/billing/src/reports.ts': pgPool('ORDERS_DATABASE_URL'),
      },
      errors: [{ messageId: 'notOwner', file: 'services/billing/src/reports.ts', line: 3, column: 25 }],
    },
    {
      name: 'architecture.yaml: compose points another env var at the URL of a datastore orders owns',
      files: {
        'architecture.yaml': ARCHITECTURE,
        'docker-compose.yml': lines(
          'services:',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      REPORTING_DATABASE_URL: postgres://reporting:secret@orders-db:5432/orders',
        ),
        'services/billing/src/reports.ts': pgPool('REPORTING_DATABASE_URL'),
      },
      errors: [{ messageId: 'notOwner', file: 'services/billing/src/reports.ts', line: 3, column: 25 }],
    },
    {
      name: 'MongoClient and mongoose on the same MongoDB database',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      MONGO_URL: mongodb://mongo:27017/shop',
        ),
        'services/orders/src/db.ts': lines(
          "import { MongoClient } from 'mongodb';", //                  1
          '', //                                                        2
          'const client = new MongoClient(process.env.MONGO_URL!);', // 3
          "export const orders = client.db().collection('orders');",
        ),
        'services/catalog/src/db.ts': lines(
          "import mongoose from 'mongoose';", //                                                          1
          '', //                                                                                           2
          "export const connect = () => mongoose.connect('mongodb://catalog:secret@mongo:27017/shop');", // 3
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/catalog/src/db.ts', line: 3, column: 30 },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 20 },
      ],
    },
    {
      name: 'two Prisma schemas on the same root .env DATABASE_URL',
      files: {
        '.env': 'DATABASE_URL="postgresql://app:secret@db:5432/shop?schema=public"\n',
        'services/orders/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
        'services/orders/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
        'services/billing/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
        'services/billing/src/prisma.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/prisma.ts', line: 3, column: 27 },
        { messageId: 'shared', file: 'services/orders/src/prisma.ts', line: 3, column: 27 },
      ],
    },
    {
      name: 'TypeORM DataSource and NestJS TypeOrmModule.forRoot on the same env var, bound by the root .env',
      files: {
        '.env': 'DATABASE_URL=postgres://app:secret@postgres:5432/shop\n',
        'services/orders/src/data-source.ts': lines(
          "import { DataSource } from 'typeorm';", //                                                          1
          '', //                                                                                                2
          "export const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });", // 3
        ),
        'services/billing/src/app.module.ts': lines(
          "import { Module } from '@nestjs/common';", //                        1
          "import { TypeOrmModule } from '@nestjs/typeorm';", //                2
          '', //                                                                 3
          '@Module({', //                                                        4
          '  imports: [', //                                                     5
          "    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true }),", // 6
          '  ],',
          '})',
          'export class AppModule {}',
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/app.module.ts', line: 6, column: 5 },
        { messageId: 'shared', file: 'services/orders/src/data-source.ts', line: 3, column: 31 },
      ],
    },
    {
      name: 'host and database name from separate env vars resolve to the same database',
      files: {
        'docker-compose.yml': lines(
          'services:',
          '  orders:',
          '    build: ./services/orders',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: shop',
          '  billing:',
          '    build: ./services/billing',
          '    environment:',
          '      DB_HOST: postgres',
          '      DB_NAME: shop',
        ),
        'services/orders/src/data-source.ts': lines(
          "import { DataSource } from 'typeorm';", //                   1
          '', //                                                         2
          'export const dataSource = new DataSource({', //              3
          "  type: 'postgres',",
          '  host: process.env.DB_HOST,',
          '  database: process.env.DB_NAME,',
          '});',
        ),
        'services/billing/src/data-source.ts': lines(
          "import { DataSource } from 'typeorm';", //                   1
          '', //                                                         2
          'export const dataSource = new DataSource({', //              3
          "  type: 'postgres',",
          '  host: process.env.DB_HOST,',
          '  database: process.env.DB_NAME,',
          '});',
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/data-source.ts', line: 3, column: 31 },
        { messageId: 'shared', file: 'services/orders/src/data-source.ts', line: 3, column: 31 },
      ],
    },
    {
      name: 'a shared pool factory called with the same env var from three services, bound by the root .env',
      files: {
        '.env': 'DATABASE_URL=postgres://app:secret@postgres:5432/shop\n',
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0' }),
        'libs/db/src/index.ts': lines(
          "import { Pool } from 'pg';",
          '',
          'export function createPool(connectionString: string | undefined): Pool {',
          '  return new Pool({ connectionString, max: 10 });',
          '}',
        ),
        'services/orders/src/db.ts': "import { createPool } from '@acme/db';\n\nexport const pool = createPool(process.env.DATABASE_URL);\n",
        'services/billing/src/db.ts': "import { createPool } from '@acme/db';\n\nexport const pool = createPool(process.env.DATABASE_URL);\n",
        'services/shipping/src/db.ts': "import { createPool } from '@acme/db';\n\nexport const pool = createPool(process.env.DATABASE_URL);\n",
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 21 },
        { messageId: 'shared', file: 'services/orders/src/db.ts', line: 3, column: 21 },
        { messageId: 'shared', file: 'services/shipping/src/db.ts', line: 3, column: 21 },
      ],
    },
    {
      name: 'NestJS TypeOrmModule.forRootAsync reading the same env var through ConfigService, bound by the root .env',
      files: {
        '.env': 'DATABASE_URL=postgres://app:secret@postgres:5432/shop\n',
        'services/orders/src/app.module.ts': lines(
          "import { Module } from '@nestjs/common';", //                                       1
          "import { ConfigService } from '@nestjs/config';", //                                2
          "import { TypeOrmModule } from '@nestjs/typeorm';", //                               3
          '', //                                                                                4
          '@Module({', //                                                                       5
          '  imports: [', //                                                                    6
          '    TypeOrmModule.forRootAsync({', //                                                7
          '      inject: [ConfigService],',
          "      useFactory: (config: ConfigService) => ({ type: 'postgres', url: config.get<string>('DATABASE_URL') }),",
          '    }),',
          '  ],',
          '})',
          'export class AppModule {}',
        ),
        'services/billing/src/db.ts': pgPool('DATABASE_URL'),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/db.ts', line: 3, column: 25 },
        { messageId: 'shared', file: 'services/orders/src/app.module.ts', line: 7, column: 5 },
      ],
    },
    {
      name: 'a shared client behind a barrel index, imported by two services',
      files: {
        'package.json': ROOT_PACKAGE,
        'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0' }),
        'libs/db/src/pool.ts': pgPool('DATABASE_URL'),
        'libs/db/src/index.ts': "export * from './pool';\n",
        'services/orders/src/repo.ts': lines(
          "import { pool } from '@acme/db';", //                                                1
          '',
          "export const findOrder = (id: string) => pool.query('SELECT * FROM orders WHERE id = $1', [id]);",
        ),
        'services/billing/src/repo.ts': lines(
          "import { pool } from '@acme/db';", //                                                1
          '',
          "export const unpaid = () => pool.query('SELECT * FROM orders WHERE paid = false');",
        ),
      },
      errors: [
        { messageId: 'shared', file: 'services/billing/src/repo.ts', line: 1, column: 22 },
        { messageId: 'shared', file: 'services/orders/src/repo.ts', line: 1, column: 22 },
      ],
    },
  ],
});
