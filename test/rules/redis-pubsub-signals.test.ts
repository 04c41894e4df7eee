/**
 * A raw Redis PUBLISH signals whoever listens at that moment (replicas refreshing a cache, live
 * connections) and is never stored: with no subscriber seen in another service, on a channel whose name
 * does not resolve (`this.config.host`, the service's own event bus) or on a named one nobody in the
 * workspace subscribes to, dual-write does not pair it with the write before it and
 * missing-correlation-id does not take it for a hop. A subscriber in another service makes it one.
 */
import { runRuleTests } from '../support/ruleTester';

const meta = (channel: string) => ({
  'services/backend/src/meta.service.ts': `import Redis from 'ioredis';
import { Pool } from 'pg';

interface Config { host: string }

export class MetaService {
  private readonly pool = new Pool();
  private readonly redis = new Redis();
  constructor(private readonly config: Config) {}

  async update(name: string) {
    await this.pool.query('UPDATE meta SET name = $1', [name]);
    await this.redis.publish(${channel}, JSON.stringify({ type: 'metaUpdated', body: { name } }));
  }
}
`,
});

const at = { file: 'services/backend/src/meta.service.ts', line: 13, column: 22 };

/** Another service subscribing to `meta-updated`. */
const SUBSCRIBER = {
  'services/search/src/meta.listener.ts': "import Redis from 'ioredis';\nconst sub = new Redis();\nsub.subscribe('meta-updated');\nsub.on('message', (_channel, message) => console.log(message));\n",
};

runRuleTests('dual-write', {
  valid: [
    { name: 'PUBLISH on the config-named channel of the service event bus', files: meta('this.config.host') },
    { name: 'PUBLISH on a named channel nobody subscribes to', files: meta("'meta-updated'") },
  ],
  invalid: [{ name: 'PUBLISH on a named channel another service subscribes to', files: { ...meta("'meta-updated'"), ...SUBSCRIBER }, errors: [{ messageId: 'dualWrite', ...at }] }],
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'PUBLISH on the config-named channel of the service event bus', files: meta('this.config.host') },
    { name: 'PUBLISH on a named channel nobody subscribes to', files: meta("'meta-updated'") },
  ],
  invalid: [{ name: 'PUBLISH on a named channel another service subscribes to', files: { ...meta("'meta-updated'"), ...SUBSCRIBER }, errors: [{ messageId: 'missing', ...at }] }],
});
