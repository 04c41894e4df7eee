/**
 * Each import resolves by the tsconfig governing the importing file: a package's `baseUrl`, `paths`
 * reached through `extends` (a relative file or a workspace package), then the workspace-wide aliases
 * (workspace package names, the root tsconfig's `paths`). A malformed tsconfig is skipped with a notice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { compilerOptionsFor, packageFolders, workspaceManifests } from '../../server/src/engine/config';
import { ModuleResolver, readTsconfigs } from '../../server/src/engine/workspace/tsconfigs';
import type { Notice } from '../../server/src/engine/api';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** resolve(importing file, name) -> root-relative file it reaches (undefined: unresolved), and the notices. */
function resolverFor(files: Record<string, string>) {
  const root = writeWorkspace(files);
  const notices: Notice[] = [];
  const packages = workspaceManifests(root);
  const fallback = compilerOptionsFor(root, undefined, notices, packages);
  const resolver = new ModuleResolver(root, readTsconfigs(root, packageFolders(packages), undefined, notices), fallback);
  // Only files of the workspace exist for the resolver (the program's in-memory file system).
  const host: ts.ModuleResolutionHost = { fileExists: (f) => f.startsWith(root) && fs.existsSync(f), readFile: () => undefined };
  const resolve = (from: string, name: string) => {
    const found = resolver.resolve(name, path.join(root, from), host)?.resolvedFileName;
    return found && path.relative(root, found).split(path.sep).join('/');
  };
  return { root, resolve, notices: notices.map((n) => n.message) };
}

test("a package's baseUrl resolves its own non-relative imports, each package from its own folder", () => {
  const { root, resolve } = resolverFor({
    'apps/server/tsconfig.json': json({ compilerOptions: { baseUrl: './' } }),
    'apps/server/src/queue/constants.ts': "export enum QueueName { EMAIL = 'email' }\n",
    'apps/server/src/mail/mail.processor.ts': "import { QueueName } from 'src/queue/constants';\n",
    // A tsconfig.build.json beside tsconfig.json (Nest) does not change which file governs.
    'apps/worker/tsconfig.json': '{ /* JSONC */ "compilerOptions": { "baseUrl": "." }, }',
    'apps/worker/tsconfig.build.json': json({ extends: './tsconfig.json', exclude: ['test'] }),
    'apps/worker/src/queue/constants.ts': "export const EMAIL = 'email';\n",
    'apps/worker/src/deep/a/b/job.ts': "import { EMAIL } from 'src/queue/constants';\n",
    'apps/web/src/page.ts': "import { QueueName } from 'src/queue/constants';\n",
  });
  try {
    assert.equal(resolve('apps/server/src/mail/mail.processor.ts', 'src/queue/constants'), 'apps/server/src/queue/constants.ts');
    assert.equal(resolve('apps/worker/src/deep/a/b/job.ts', 'src/queue/constants'), 'apps/worker/src/queue/constants.ts');
    assert.equal(resolve('apps/web/src/page.ts', 'src/queue/constants'), undefined, 'no tsconfig governs apps/web: nothing to guess');
    assert.equal(resolve('apps/server/src/mail/mail.processor.ts', 'bullmq'), undefined, 'a library is not a workspace file');
    assert.equal(resolve('apps/server/src/mail/mail.processor.ts', '../queue/constants'), 'apps/server/src/queue/constants.ts');
  } finally {
    removeWorkspace(root);
  }
});

test('paths declared in an extended base file: relative to that file, or to the baseUrl of the package that extends it', () => {
  const { root, resolve } = resolverFor({
    'configs/tsconfig.nest.json': json({ compilerOptions: { paths: { '@app/common': ['../libs/common/src/index.ts'], '@app/common/*': ['../libs/common/src/*'] } } }),
    'libs/common/src/index.ts': "export * from './queues';\n",
    'libs/common/src/queues.ts': "export const Q = 'q';\n",
    'apps/api/tsconfig.json': json({ extends: '../../configs/tsconfig.nest.json' }),
    'apps/api/src/main.ts': '',
    // A package-style extends names a workspace package's file; its own baseUrl rebases inherited paths.
    'packages/tsconfig/package.json': json({ name: '@acme/tsconfig' }),
    'packages/tsconfig/nest.json': json({ compilerOptions: { paths: { '@jobs/*': ['src/jobs/*'] } } }),
    'apps/jobs/tsconfig.json': json({ extends: ['@tsconfig/node20/tsconfig.json', '@acme/tsconfig/nest'], compilerOptions: { baseUrl: '.' } }),
    'apps/jobs/src/jobs/send.ts': "export const SEND = 'send';\n",
    'apps/jobs/src/main.ts': '',
  });
  try {
    assert.equal(resolve('apps/api/src/main.ts', '@app/common'), 'libs/common/src/index.ts');
    assert.equal(resolve('apps/api/src/main.ts', '@app/common/queues'), 'libs/common/src/queues.ts');
    assert.equal(resolve('apps/jobs/src/main.ts', '@jobs/send'), 'apps/jobs/src/jobs/send.ts');
    assert.equal(resolve('apps/jobs/src/main.ts', 'src/jobs/send'), 'apps/jobs/src/jobs/send.ts', 'the baseUrl itself');
  } finally {
    removeWorkspace(root);
  }
});

test("a package's tsconfig wins over the root's paths; what it does not resolve falls back to root aliases and package names", () => {
  const { root, resolve } = resolverFor({
    'tsconfig.json': json({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'], '@shared/*': ['shared/*'] } } }),
    'src/queues.ts': "export const Q = 'root';\n",
    'src/main.ts': '',
    'shared/topics.ts': "export const T = 't';\n",
    'packages/db/package.json': json({ name: '@acme/db' }),
    'packages/db/src/index.ts': 'export const db = 1;\n',
    'apps/api/tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['./src/*'] } } }),
    'apps/api/src/queues.ts': "export const Q = 'api';\n",
    'apps/api/src/main.ts': '',
  });
  try {
    assert.equal(resolve('apps/api/src/main.ts', '@app/queues'), 'apps/api/src/queues.ts');
    assert.equal(resolve('src/main.ts', '@app/queues'), 'src/queues.ts');
    assert.equal(resolve('apps/api/src/main.ts', '@shared/topics'), 'shared/topics.ts', 'a root alias the package does not define');
    assert.equal(resolve('apps/api/src/main.ts', '@acme/db'), 'packages/db/src/index.ts', 'a workspace package');
  } finally {
    removeWorkspace(root);
  }
});

test('a malformed tsconfig is skipped with a notice: its files fall back to the root aliases', () => {
  const { root, resolve, notices } = resolverFor({
    'tsconfig.json': json({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } }),
    'src/queues.ts': "export const Q = 'root';\n",
    'apps/api/tsconfig.json': '{ "compilerOptions": { "paths": { "@app/*": ["./src/*"] }\n',
    'apps/api/src/queues.ts': "export const Q = 'api';\n",
    'apps/api/src/main.ts': '',
    'apps/web/tsconfig.json': json({ compilerOptions: { baseUrl: 3, paths: { '@web/*': './src/*', '@ok/*': ['./src/*'] } } }),
    'apps/web/src/ok.ts': '',
    'apps/web/src/main.ts': '',
    // A cycle of extends ends.
    'apps/loop/tsconfig.json': json({ extends: './tsconfig.base.json', compilerOptions: { baseUrl: '.' } }),
    'apps/loop/tsconfig.base.json': json({ extends: './tsconfig.json' }),
    'apps/loop/src/x.ts': '',
  });
  try {
    assert.equal(resolve('apps/api/src/main.ts', '@app/queues'), 'src/queues.ts');
    assert.equal(resolve('apps/web/src/main.ts', '@ok/ok'), 'apps/web/src/ok.ts', 'the valid entries of a file still apply');
    assert.equal(resolve('apps/loop/src/x.ts', 'src/x'), 'apps/loop/src/x.ts');
    assert.deepEqual(notices, [
      "apps/api/tsconfig.json: not a valid tsconfig ('}' expected.); its baseUrl and paths are ignored",
      'apps/web/tsconfig.json: compilerOptions.baseUrl must be a string, not a number (3); ignored',
      'apps/web/tsconfig.json: compilerOptions.paths["@web/*"] must be an array of strings, not a string ("./src/*"); this alias is ignored',
    ]);
  } finally {
    removeWorkspace(root);
  }
});

test("a JavaScript package's jsconfig.json paths resolve its aliases (`@/models/*`), as its tsconfig would", () => {
  const { root, resolve } = resolverFor({
    'packages/backend/jsconfig.json': json({ compilerOptions: { baseUrl: '.', paths: { '@/models/*': ['src/models/*'] } } }),
    'packages/backend/src/models/access-token.js': 'export default class AccessToken {}\n',
    'packages/backend/src/helpers/create-token.js': "import AccessToken from '@/models/access-token.js';\n",
  });
  try {
    assert.equal(resolve('packages/backend/src/helpers/create-token.js', '@/models/access-token.js'), 'packages/backend/src/models/access-token.js');
  } finally {
    removeWorkspace(root);
  }
});

test("a workspace package's manifest entries: `exports` subpaths (conditions, patterns, built output under src) and `main`", () => {
  const { root, resolve } = resolverFor({
    'packages/shared/package.json': json({
      name: '@acme/shared', main: './lib/main.js',
      exports: {
        '.': './lib/main.js',
        './db': './src/db/client.ts',
        './schema': { types: './dist/schema/index.d.ts', import: './dist/schema/index.js' },
        './utils/*': './src/utilities/*.ts',
        './src/server': { import: './dist/src/server/index.js' },
        './src/env': { import: './dist/env.js' },
      },
    }),
    'packages/shared/src/server/index.ts': 'export const server = true;\n',
    'packages/shared/src/env.ts': 'export const env = {};\n',
    'packages/shared/src/queues/index.ts': 'export const queues = {};\n',
    'packages/shared/src/main.ts': 'export const name = "shared";\n',
    'packages/shared/src/db/client.ts': 'export function getDb() { return undefined; }\n',
    'packages/shared/src/schema/index.ts': 'export const events = {};\n',
    'packages/shared/src/utilities/dates.ts': 'export const now = () => new Date();\n',
    'apps/api/src/route.ts': "import { getDb } from '@acme/shared/db';\n",
  });
  try {
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/db'), 'packages/shared/src/db/client.ts');
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/schema'), 'packages/shared/src/schema/index.ts');
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/utils/dates'), 'packages/shared/src/utilities/dates.ts');
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared'), 'packages/shared/src/main.ts');
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/missing'), undefined);
    // Built output whose source keeps the path (`dist/src/server/index.js`), or sits under src (`dist/env.js`).
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/src/server'), 'packages/shared/src/server/index.ts');
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/src/env'), 'packages/shared/src/env.ts');
    // A subpath the manifest does not export still resolves by the usual layout.
    assert.equal(resolve('apps/api/src/route.ts', '@acme/shared/queues'), 'packages/shared/src/queues/index.ts');
  } finally {
    removeWorkspace(root);
  }
});
