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

/**
 * Client code generated into the workspace at build time and not committed
 * (Prisma's `output = "../prisma/generated-prisma-client"`, `.prisma/client`):
 * a relative import of it that does not resolve is the library itself.
 */
const GENERATED_CLIENTS: [RegExp, string][] = [
  // Also the entry file of Prisma 6's `prisma-client` generator, imported with its extension (`./generated/prisma/client.js`).
  [/(^|\/)(\.prisma\/client|generated[-_]?prisma[-_]?client|prisma[-_]?client|generated\/prisma(\/client)?|generated\/client)(\/index)?(\.[cm]?[jt]s)?$/i, '@prisma/client'],
];

/** The library a relative specifier stands for when it names generated client code, else undefined. */
export function generatedLibraryOf(specifier: string): string | undefined {
  for (const [re, lib] of GENERATED_CLIENTS) if (re.test(specifier)) return lib;
  return undefined;
}

/** The library a specifier belongs to, or undefined for relative (workspace) imports. */
export function libraryOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (SUBPATH_ALIASES[specifier]) return SUBPATH_ALIASES[specifier];
  return specifier;
}
