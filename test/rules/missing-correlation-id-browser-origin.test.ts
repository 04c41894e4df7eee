/**
 * missing-correlation-id and a URL built on the page's own origin (`window.location.origin`), perhaps beside a
 * server-side fallback (`typeof window !== 'undefined' ? window.location.origin : process.env.BACKEND_URL`, a
 * common Next.js helper): in the browser it is a user's request to the site the page came from, the edge of a
 * flow, not a hop between services. The same helper without the browser branch calls the backend service.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const client = (origin: string) => lines(
  "import axios from 'axios';",
  '',
  `export const apiUrl = () => \`\${${origin}}/api/v1\`;`,
  '',
  'export async function clearData(endpointId: string) {',
  '  await axios.post(`${apiUrl()}/endpoints/${endpointId}/clear`, {});',
  '}',
);

const ISOMORPHIC = client("typeof window !== 'undefined' ? window.location.origin : process.env.BACKEND_URL");
const SERVER_ONLY = client('process.env.BACKEND_URL');
const BACKEND = { 'services/backend/src/main.ts': 'export const port = 8080;\n' };

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a frontend helper that calls its own origin in the browser', files: { ...BACKEND, 'services/frontend/src/api/endpoints.ts': ISOMORPHIC } }],
  invalid: [{
    name: 'the same helper reading only the backend URL env var calls the backend service',
    files: { ...BACKEND, 'services/frontend/src/api/endpoints.ts': SERVER_ONLY },
    errors: [{ messageId: 'missing', file: 'services/frontend/src/api/endpoints.ts', ...at(SERVER_ONLY, 'post(') }],
  }],
});
