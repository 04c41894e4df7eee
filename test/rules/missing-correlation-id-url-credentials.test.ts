/**
 * missing-correlation-id and a URL carrying credentials (`https://api:${key}@api.mailgun.net/v3/...`):
 * the host is what follows the `@` (a third-party API), not the user name, even when a service of the
 * workspace is called `api`. The same call to `https://api:3000/...` is a call to that service.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const mailer = (url: string) => lines(
  "import axios from 'axios';",
  '',
  'export async function send(to: string, subject: string) {',
  `  await axios.post(\`${url}\`, { to, subject });`,
  '}',
);

const MAILGUN = mailer('https://api:${process.env.MAILGUN_KEY}@api.mailgun.net/v3/mg.example.com/messages');
const INTERNAL = mailer('http://api:3000/internal/messages');
const API = { 'services/api/src/main.ts': 'export const port = 3000;\n' };

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a third-party API whose URL carries credentials named like a service', files: { ...API, 'services/mailer/src/send.ts': MAILGUN } }],
  invalid: [{
    name: 'the service called api, by its host',
    files: { ...API, 'services/mailer/src/send.ts': INTERNAL },
    errors: [{ messageId: 'missing', file: 'services/mailer/src/send.ts', ...at(INTERNAL, 'post(') }],
  }],
});
