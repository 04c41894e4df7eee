/**
 * non-idempotent-consumer and HTTP calls: a POST counts as a repeated effect where the engine can say
 * what it reaches (a host the code names, an env var the URL is read from, a service of the system).
 * A POST on a base URL a config helper computes (`axios.create({ baseURL: Config.getApiUrl() })`)
 * reaches an endpoint the engine knows nothing about: silent rather than a guess.
 */
import { runRuleTests } from '../support/ruleTester';

/** An SQS Lambda (handler on line 5) whose only effect is `post` (line 8). */
const lambda = (setup: string, post: string) => ({
  'packages/lambdas/src/run-job.ts': `import type { SQSEvent } from 'aws-lambda';
import axios from 'axios';
${setup}

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const job = JSON.parse(record.body) as { id: string };
    ${post}
  }
};
`,
  'packages/lambdas/src/config.ts': `function getEnvVarOrFail(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(name);
  return value;
}
export class Config {
  static getApiUrl(): string {
    return getEnvVarOrFail('API_URL');
  }
}
`,
});

const atTheHandler = [{ messageId: 'unguarded', line: 5, column: 14 }];

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'a POST on a base URL a config helper computes: what the endpoint does is unknown',
      files: lambda("import { Config } from './config';\nconst api = axios.create({ baseURL: Config.getApiUrl() });", 'await api.post(`/internal/job/${job.id}/run`);'),
    },
  ],
  invalid: [
    {
      name: 'a POST to a host the code names',
      files: lambda('', "await axios.post('https://api.supplier.example/orders', { job: job.id });"),
      errors: atTheHandler,
    },
    {
      name: 'a POST to a URL read from an env var',
      files: lambda('', 'await axios.post(`${process.env.SUPPLIER_URL}/orders`, { job: job.id });'),
      errors: atTheHandler,
    },
  ],
});
