/** Deployables inferred from deployment evidence (workspace/deployables.ts), without an architecture file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverLayout } from '../../server/src/engine/workspace/services';
import { DatastoreResolver } from '../../server/src/engine/workspace/datastores';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const pkg = (name: string, scripts: Record<string, string> = {}) => JSON.stringify({ name, scripts });
const START = { start: 'node dist/main.js' };

function services(files: Record<string, string>): string[] {
  const root = writeWorkspace(files);
  try {
    return discoverLayout(root, undefined).services.map((s) => `${s.name}:${s.paths[0]}`);
  } finally {
    removeWorkspace(root);
  }
}

test('compose decides: built contexts, images named after packages; infrastructure, e2e apps, scaffolds and unlisted apps are not services', () => {
  assert.deepEqual(services({
    'package.json': JSON.stringify({ name: 'acme', workspaces: ['apps/*', 'libs/*', 'templates/*'] }),
    'docker-compose.yml': [
      'services:',
      '  api:',
      '    build: { context: ., dockerfile: ./apps/api/Dockerfile }',
      '  worker:',
      '    image: ghcr.io/acme/acme-worker:${TAG}',
      '  proxy:',
      '    build: ./nginx',
      '  db:',
      '    image: postgres:16',
      '  rabbitmq:',
      '    image: rabbitmq:3-management',
      '  seed:',
      '    build: ./deploy/database',
    ].join('\n'),
    'apps/api/package.json': pkg('@acme/api', START),
    'apps/api/Dockerfile': 'FROM node:20\n',
    'apps/worker/package.json': pkg('@acme/worker', START),
    'apps/web/package.json': pkg('@acme/web', { start: 'next start' }),
    'apps/api-e2e/package.json': pkg('@acme/api-e2e', { start: 'jest' }),
    'apps/api-e2e/Dockerfile': 'FROM node:20\n',
    'libs/shared/package.json': pkg('@acme/shared'),
    'templates/service/package.json': pkg('worker', START),
    'templates/service/Dockerfile': 'FROM node:20\n',
    'nginx/nginx.conf': 'events {}\n',
    'deploy/database/Dockerfile': 'FROM postgres:16\n',
    'deploy/database/schema.sql': 'CREATE TABLE t (id int);\n',
    '.devcontainer/Dockerfile': 'FROM node:20\n',
  }), ['api:apps/api', 'worker:apps/worker']);
});

test('without a compose deployment: startable apps, Dockerfiles beside a package, Nx applications; not Nx libraries or browser bundles', () => {
  assert.deepEqual(services({
    'package.json': JSON.stringify({ name: 'acme', workspaces: ['apps/*', 'packages/*'] }),
    'docker-compose.yml': 'services:\n  db:\n    image: mongo:7\n',
    'apps/orders/package.json': pkg('orders'),
    'apps/admin-ui/project.json': JSON.stringify({ projectType: 'application', targets: { build: { executor: '@nx/rspack:rspack' } } }),
    'apps/admin-ui/src/main.tsx': 'export {};\n',
    'apps/billing/project.json': JSON.stringify({ projectType: 'application', targets: { build: { executor: '@nx/webpack:webpack' } } }),
    'apps/billing/src/main.ts': 'export {};\n',
    'packages/mailer/package.json': pkg('mailer', START),
    'packages/gateway/package.json': pkg('gateway', START),
    'packages/gateway/Dockerfile': 'FROM node:20\n',
    'packages/common/project.json': JSON.stringify({ projectType: 'library' }),
    'packages/common/package.json': pkg('common', START),
    'deploy/Dockerfile': 'FROM node:20\n',
  }), ['billing:apps/billing', 'gateway:packages/gateway', 'orders:apps/orders']);
});

test('a folder of services that compose runs under one naming convention: the startable siblings are services too', () => {
  assert.deepEqual(services({
    'docker-compose.yml': 'services:\n  users:\n    image: ghcr.io/acme/ms/users:1\n  files:\n    image: ghcr.io/acme/ms/files:1\n',
    'ms/users/package.json': pkg('@acme/microservice-users', { 'start:dev': 'nodemon' }),
    'ms/files/package.json': pkg('@acme/microservice-files', { 'start:dev': 'nodemon' }),
    'ms/blog/package.json': pkg('@acme/microservice-blog', { 'start:dev': 'nodemon' }),
    'ms/helpers/package.json': pkg('@acme/helpers', { 'start:dev': 'nodemon' }),
  }), ['blog:ms/blog', 'files:ms/files', 'users:ms/users']);
});

test('compose environment: merge keys are expanded, ${VAR:-default} resolves to the default, test env files are not deployment config', () => {
  const root = writeWorkspace({
    'docker-compose.yml': [
      'x-env: &shared-env',
      '  DATABASE_URL: ${DATABASE_URL:-postgresql://app:pw@postgres:5432/app}',
      'services:',
      '  web:',
      '    build: ./web',
      '    environment: *shared-env',
      '  worker:',
      '    build: ./worker',
      '    environment:',
      '      <<: *shared-env',
      '      QUEUE: jobs',
    ].join('\n'),
    '.env.test': 'DATABASE_URL=postgresql://app:pw@localhost:5432/app_test\n',
    'web/package.json': pkg('web', START),
    'worker/package.json': pkg('worker', START),
  });
  try {
    const layout = discoverLayout(root, undefined);
    const env = (name: string) => Object.fromEntries([...layout.services.find((s) => s.name === name)!.env].map(([k, v]) => [k, v.value]));
    assert.deepEqual(env('web'), { DATABASE_URL: '${DATABASE_URL:-postgresql://app:pw@postgres:5432/app}' });
    assert.deepEqual(env('worker'), { DATABASE_URL: '${DATABASE_URL:-postgresql://app:pw@postgres:5432/app}', QUEUE: 'jobs' });
    assert.equal(layout.rootEnv.size, 0, '.env.test is a test run\'s configuration');
    const web = layout.services.find((s) => s.name === 'web')!;
    const ids = new DatastoreResolver(layout, undefined, root).identities(web, ['DATABASE_URL'], []);
    assert.deepEqual(ids.map((i) => i.key), ['url:postgres://postgres:5432/app']);
  } finally {
    removeWorkspace(root);
  }
});

test('browser UIs and packages whose scripts only build are not services; a UI with a server (SSR) is', () => {
  const manifest = (name: string, scripts: Record<string, string>, dependencies: Record<string, string>) => JSON.stringify({ name, scripts, dependencies });
  assert.deepEqual(services({
    'package.json': JSON.stringify({ name: 'meet', workspaces: ['backend', 'frontend', 'typings', 'ssr'] }),
    'backend/package.json': manifest('@meet/backend', { start: 'node dist/server.js' }, { express: '^4' }),
    'frontend/package.json': manifest('@meet/frontend', { start: 'ng serve', build: 'ng build' }, { '@angular/core': '^19', rxjs: '^7' }),
    'frontend/Dockerfile': 'FROM nginx\n',
    'typings/package.json': manifest('@meet/typings', { dev: 'tsc -p tsconfig.build.json --watch', build: 'rm -rf dist && tsc -p tsconfig.build.json' }, {}),
    'ssr/package.json': manifest('@meet/ssr', { start: 'node dist/server/main.js' }, { '@angular/core': '^19', '@angular/ssr': '^19', express: '^4' }),
  }), ['backend:backend', 'ssr:ssr']);
});

