/**
 * What a package's modules say about the code: the server frameworks whose import names the kind of
 * a deployable (the model's `kind`), and the dependencies that mark a browser UI or server code
 * (deployables.ts: a browser UI with no server dependency is not a service).
 */

/** Modules whose import says what kind of server a deployable is, most specific first. */
export const FRAMEWORKS: [RegExp, string][] = [
  [/^@nestjs\/core$/, 'nestjs'],
  [/^next(\/|$)/, 'nextjs'],
  [/^@tanstack\/(react-)?start/, 'tanstack-start'],
  [/^@remix-run\/(node|server-runtime)$/, 'remix'],
  [/^@temporalio\/worker$/, 'temporal-worker'],
  [/^fastify$/, 'fastify'],
  [/^express$/, 'express'],
  [/^koa$/, 'koa'],
  [/^hono$/, 'hono'],
  [/^@hapi\/hapi$/, 'hapi'],
  [/^(aws-lambda|@types\/aws-lambda)$/, 'lambda'],
  [/^bullmq$/, 'bullmq-worker'],
  [/^kafkajs$/, 'kafka-consumer'],
];

/** Dependencies of a UI that runs in the browser (or on a device). */
const BROWSER_DEPENDENCIES = /^(@angular\/core|react-dom|vue|svelte|solid-js|preact|lit|react-native|expo|@ionic\/(angular|react|vue))$/;

/** Server code beyond the frameworks above: SSR frameworks, brokers, datastores, socket servers. */
const OTHER_SERVER_DEPENDENCIES = /^(@koa\/router|hapi|restify|h3|nuxt|nitropack|@remix-run\/serve|@react-router\/node|@sveltejs\/kit|@angular\/ssr|@nguniversal\/express-engine|astro|amqplib|bull|nats|ioredis|redis|pg|mysql2|mongodb|mongoose|@prisma\/client|typeorm|@mikro-orm\/core|sequelize|knex|drizzle-orm|@aws-sdk\/client-sqs|ws|socket\.io)$/;

export function isServerDependency(name: string): boolean {
  return OTHER_SERVER_DEPENDENCIES.test(name) || FRAMEWORKS.some(([re]) => re.test(name));
}

/** A package whose dependencies are a browser UI's and none a server's (an Angular or React SPA): not a service. */
export function browserOnlyPackage(manifest: any): boolean {
  const deps = Object.keys({ ...(manifest?.dependencies ?? {}), ...(manifest?.devDependencies ?? {}) });
  return deps.some((d) => BROWSER_DEPENDENCIES.test(d)) && !Object.keys(manifest?.dependencies ?? {}).some(isServerDependency);
}
