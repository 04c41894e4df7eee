/**
 * non-idempotent-consumer: an HTTP POST that asks for a credential (an OAuth `.../oauth2/token`) keeps no
 * business state, so repeating it on a redelivery repeats nothing that matters. A POST that creates
 * something (`.../cases`) is still reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** An SQS Lambda (line 3) that POSTs to Salesforce at `path`. */
const lambda = (path: string) => ({
  'handlers/disputes/src/consumer.ts': `import type { SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const dispute = JSON.parse(record.body) as { id: string };
    await fetch(\`\${process.env.SALESFORCE_URL}${path}\`, { method: 'POST', body: JSON.stringify({ dispute: dispute.id }) });
  }
};
`,
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the POST asks for an OAuth token', files: lambda('/services/oauth2/token') },
    { name: 'the POST exchanges a token for an access token (/tokens/exchange)', files: lambda('/v1/tokens/exchange') },
  ],
  invalid: [
    { name: 'the POST creates a case', files: lambda('/services/data/cases'), errors: [{ messageId: 'unguarded', line: 3, column: 14 }] },
    { name: 'an exchange that is not under a token path (/orders/exchange) changes something', files: lambda('/services/orders/exchange'), errors: [{ messageId: 'unguarded', line: 3, column: 14 }] },
  ],
});
