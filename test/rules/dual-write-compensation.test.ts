/**
 * dual-write: a call made after the write inside a `try` whose `catch` undoes that write is a saga step
 * with a compensation, not a missing outbox. A catch that only logs, or that writes another store, leaves
 * the change saved without its call and is reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** A templates service: the insert (line 8), then the agent call (line 10) inside a try whose catch runs `onFailure`. */
const templates = (onFailure: string) => ({
  'services/issuance/src/templates.ts': `import { Pool } from 'pg';

const pool = new Pool();
const AGENT_URL = process.env.AGENT_SERVICE_URL!;

export async function createTemplate(name: string) {
  const id = crypto.randomUUID();
  await pool.query('INSERT INTO templates (id, name) VALUES ($1, $2)', [id, name]);
  try {
    await fetch(\`\${AGENT_URL}/templates\`, { method: 'POST', body: JSON.stringify({ id, name }) });
  } catch (error) {
    ${onFailure}
    throw error;
  }
}
`,
  'services/agent/package.json': JSON.stringify({ name: 'agent', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/agent/src/main.ts': "import express from 'express';\nconst app = express();\napp.post('/templates', (_req, res) => res.sendStatus(201));\napp.listen(3000);\n",
  'docker-compose.yml': 'services:\n  issuance:\n    build: ./services/issuance\n    environment:\n      AGENT_SERVICE_URL: http://agent:3000\n  agent:\n    build: ./services/agent\n',
});

/** The finding at the agent call, when the catch compensates nothing. */
const atTheCall = [{ messageId: 'dualWrite', file: 'services/issuance/src/templates.ts', line: 10, column: 11 }];

runRuleTests('dual-write', {
  valid: [
    { name: 'the catch deletes the row the flow inserted', files: templates("await pool.query('DELETE FROM templates WHERE id = $1', [id]);") },
  ],
  invalid: [
    {
      name: 'the catch only logs',
      files: templates('console.error(error);'),
      errors: atTheCall,
    },
    {
      name: 'the catch writes another store (a failure log), not the template',
      files: templates("await pool.query('INSERT INTO failures (kind) VALUES ($1)', ['agent']);"),
      errors: atTheCall,
    },
  ],
});
