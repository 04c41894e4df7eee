/**
 * shared-database and one-off scripts kept beside a deployable's package.json: a `fix-consents.js` or
 * `check-user-schema.js` at the root of a service whose code lives in `src/`, that no file imports and no
 * package.json, Dockerfile or compose file runs, connects wherever it hard-codes; the deployed services
 * connect where their deployment says. The same script started by the Dockerfile is the service's code,
 * and its connection then shares the users database with user-service.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const NEON = 'postgresql://owner:secret@ep-jolly-river.eastus2.azure.neon.tech/users';

/** A script that hard-codes the users database (line 3 builds the client). */
const script = (name: string) => lines(
  "const { Client } = require('pg');", //                       1
  '', //                                                         2
  `const client = new Client({ connectionString: '${NEON}' });`, // 3
  `client.connect().then(() => client.query('SELECT 1')).then(() => console.log('${name} done'));`,
);

const service = (name: string, database: string, dockerfileRuns?: string) => ({
  [`services/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  [`services/${name}/Dockerfile`]: `FROM node:20\nCOPY . .\nCMD ["node", "${dockerfileRuns ?? 'dist/main.js'}"]\n`,
  [`services/${name}/src/main.ts`]: lines(
    "import { Pool } from 'pg';",
    `export const pool = new Pool({ connectionString: '${database}' });`,
  ),
});

const files = (runByDocker: boolean) => ({
  ...service('notification', 'postgresql://db:5432/notification', runByDocker ? 'fix-consents.js' : undefined),
  'services/notification/fix-consents.js': script('fix-consents'),
  ...service('user-service', NEON),
  'services/user-service/check-user-schema.js': script('check-user-schema'),
});

runRuleTests('shared-database', {
  valid: [
    { name: "notification's script is a one-off nothing runs: notification itself uses its own database", files: files(false) },
  ],
  invalid: [
    {
      name: "the notification Dockerfile runs its script: that connection is the service's",
      files: files(true),
      errors: [
        { messageId: 'shared', file: 'services/notification/fix-consents.js', line: 3, column: 20 },
        { messageId: 'shared', file: 'services/user-service/src/main.ts', line: 2, column: 25 },
      ],
    },
  ],
});
