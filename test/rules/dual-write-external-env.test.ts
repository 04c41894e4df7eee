/**
 * dual-write and the env var a URL is read from: `WEBEOC_URL` beside a `webeoc/` deployable names that
 * deployable, unless the deployable itself calls the same variable's URL. A service does not call
 * itself through its own address: both call a system outside the workspace (the WebEOC product the
 * `webeoc/` poller integrates with), and a call to it is an external API call, not a cross-service hop.
 */
import { runRuleTests } from '../support/ruleTester';

/** The backend saves an assignment, then POSTs it to `${WEBEOC_URL}/incidents` (line 8). */
const files = (pollerCallsIt: boolean) => ({
  'services/backend/package.json': JSON.stringify({ name: 'backend', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/backend/src/assignments.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function assign(complaintId: string, officer: string) {
  await pool.query('UPDATE complaints SET officer = $2 WHERE id = $1', [complaintId, officer]);
  const url = \`\${process.env.WEBEOC_URL}/incidents\`;
  await fetch(url, { method: 'POST', body: JSON.stringify({ complaintId, officer }) });
}
`,
  'services/webeoc/package.json': JSON.stringify({ name: 'webeoc', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/webeoc/src/poller.ts': pollerCallsIt
    ? `export async function poll() {
  const res = await fetch(\`\${process.env.WEBEOC_URL}/sessions\`, { method: 'POST', body: '{}' });
  return res.json();
}
`
    : `import express from 'express';
const app = express();
app.post('/incidents', (_req, res) => res.sendStatus(201));
app.listen(3000);
`,
});

runRuleTests('dual-write', {
  valid: [
    { name: 'the webeoc deployable calls WEBEOC_URL itself: the variable names the external product both call', files: files(true) },
  ],
  invalid: [
    {
      name: 'the webeoc deployable serves the route and never calls WEBEOC_URL: the call goes to it',
      files: files(false),
      errors: [{ messageId: 'dualWrite', file: 'services/backend/src/assignments.ts', line: 8, column: 9 }],
    },
  ],
});
