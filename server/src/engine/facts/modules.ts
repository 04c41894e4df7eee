/** Module specifier helpers: which imports are libraries and which are workspace code. */

const SUBPATH_ALIASES: Record<string, string> = {
  'mysql2/promise': 'mysql2',
  'amqplib/callback_api': 'amqplib',
  'redis-om': 'redis',
  '@redis/client': 'redis',
  'pg-pool': 'pg',
  'node:http': 'http',
  'node:https': 'http',
  https: 'http',
  'node:crypto': 'crypto',
};

/** The library a specifier belongs to, or undefined for relative (workspace) imports. */
export function libraryOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (SUBPATH_ALIASES[specifier]) return SUBPATH_ALIASES[specifier];
  return specifier;
}
