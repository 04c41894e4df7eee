/**
 * missing-correlation-id and `@vercel/otel` in a Next.js app: `registerOTel` in the `instrumentation.ts`
 * hook (whose `register()` Next.js calls before the application) instruments fetch, but sends the trace
 * context only to Vercel deployment URLs unless `instrumentationConfig.fetch.propagateContextUrls` names
 * others. With that option, the app's fetch calls to another service carry `traceparent`; without it,
 * they carry nothing.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const app = (propagate: boolean) => ({
  'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['apps/*'] }),
  'apps/wallet-web/package.json': JSON.stringify({ name: 'wallet-web', version: '1.0.0', scripts: { start: 'next start' }, dependencies: { next: '16.1.6', '@vercel/otel': '^2.1.1' } }),
  'apps/wallet-web/instrumentation.ts': lines(
    "import { registerOTel } from '@vercel/otel';",
    '',
    'export function register() {',
    '  registerOTel({',
    "    serviceName: 'wallet-web',",
    ...(propagate ? ['    instrumentationConfig: { fetch: { propagateContextUrls: [process.env.WALLET_API_URL!] } },'] : []),
    '  });',
    '}',
  ),
  'apps/wallet-web/app/api/points/route.ts': lines(
    'export async function POST(req: Request) {', //                                                   1
    '  const body = await req.json();', //                                                             2
    '  const res = await fetch(`${process.env.WALLET_API_URL}/v1/points/earn`, {', //                 3
    "    method: 'POST', body: JSON.stringify({ userId: body.userId, points: body.points }),", //     4
    '  });', //                                                                                        5
    '  return Response.json(await res.json());', //                                                   6
    '}',
  ),
  'apps/wallet/package.json': JSON.stringify({ name: 'wallet', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'apps/wallet/src/main.ts': lines("import express from 'express';", 'const app = express();', "app.post('/v1/points/earn', (_req, res) => res.sendStatus(201));", 'app.listen(3000);'),
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'registerOTel with propagateContextUrls: the fetch carries traceparent to the wallet service', files: app(true) },
  ],
  invalid: [
    {
      name: 'registerOTel without propagateContextUrls: trace context only goes to Vercel deployment URLs',
      files: app(false),
      errors: [{ messageId: 'missing', file: 'apps/wallet-web/app/api/points/route.ts', line: 3, column: 21 }],
    },
  ],
});
