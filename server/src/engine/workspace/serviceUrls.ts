/** Which service of the system an HTTP call's URL points at. */
import type { Architecture } from '../architecture/model';
import type { ServiceInfo, WorkspaceLayout } from './services';

/** A service an HTTP URL points at; `env` when an env var named after it (not a declared API) said so. */
export interface UrlTarget {
  name: string;
  env?: string;
}

/** The env vars a URL expression's text reads (`process.env.X`, `process.env['X']`). */
export function urlEnvVars(urlText: string): string[] {
  return [...new Set([...urlText.matchAll(/process\.env(?:\.(\w+)|\[['"](\w+)['"]\])/g)].map((m) => m[1] ?? m[2]))];
}

/**
 * The host of each HTTP URL in a text, after any credentials (`https://api:${key}@api.mailgun.net` is
 * host `api.mailgun.net`, not `api`).
 */
export const URL_HOST = /https?:\/\/(?:[^@/\s'"`]*@)?([a-z0-9-_.]+)/gi;

/** The service an HTTP URL expression points at: an env var or host named after a service. */
export function serviceForUrl(urlText: string, from: ServiceInfo | undefined, layout: WorkspaceLayout, architecture: Architecture | undefined): UrlTarget | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const names = layout.services.map((s) => s.name).filter((n) => n !== from?.name);
  for (const env of urlEnvVars(urlText)) {
    const api = architecture?.apis.find((a) => a.baseUrlEnv === env);
    if (api) return names.includes(api.provider) ? { name: api.provider } : undefined;
    const stem = norm(env.replace(/_(SERVICE_|SVC_|API_)?(BASE_)?(URL|URI|HOST|ENDPOINT|ADDR|ADDRESS)$/i, '').replace(/_SERVICE$/i, ''));
    const hit = names.find((n) => norm(n) === stem || norm(n) === `${stem}service` || `${norm(n)}service` === stem);
    if (hit) return { name: hit, env };
  }
  // Hosts on the private network only (`payments`, `payments.prod.svc.cluster.local`): `api.stripe.com` is not service "api".
  for (const m of urlText.matchAll(URL_HOST)) {
    const host = m[1].toLowerCase();
    const [label, ...rest] = host.split('.');
    if (rest.length && !/(^|\.)(svc|cluster\.local|internal|local|consul)$/.test(rest.join('.'))) continue;
    const hit = names.find((n) => norm(n) === norm(label) || layout.services.find((s) => s.name === n)?.composeServices?.some((c) => c.name === label));
    if (hit) return { name: hit };
  }
  return undefined;
}

