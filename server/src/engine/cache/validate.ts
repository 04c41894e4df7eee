/**
 * Checks the shape of a stored result before it is reused: a cache file
 * edited by hand, truncated or written by something else must be named and
 * ignored, never crash the formatters ("Cannot read properties of null").
 * Returns the first problem as a path and what is wrong, or undefined.
 */
const SEVERITIES = new Set(['error', 'warning', 'info']);

type Check = (value: unknown, at: string) => string | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} is not a string`);
const number: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${at} is not a number`);
const boolean: Check = (v, at) => (typeof v === 'boolean' ? undefined : `${at} is not a boolean`);
const optional = (check: Check): Check => (v, at) => (v === undefined ? undefined : check(v, at));

function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isRecord(v)) return `${at} is not an object`;
    for (const [name, check] of Object.entries(fields)) {
      const problem = check(v[name], `${at}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function array(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return `${at} is not an array`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const position = object({ line: number, column: number });
const range = object({ start: position, end: position });
const location = object({ file: string, range });
const related = object({ file: string, range, message: string });
const edit = object({ file: string, range, newText: string });

const finding = object({
  ruleId: string,
  messageId: string,
  severity: (v, at) => (typeof v === 'string' && SEVERITIES.has(v) ? undefined : `${at} is not error, warning or info`),
  message: string,
  hint: string,
  location,
  related: array(related),
  inferred: boolean,
  suppressed: optional(object({ kind: string, justification: string })),
  fixes: optional(array(object({ title: string, edits: array(edit) }))),
  fingerprint: string,
});

const rule = object({ id: string, description: string, defaultSeverity: string, docsUrl: string, messages: (v, at) => (isRecord(v) ? undefined : `${at} is not an object`) });

const result = object({
  root: string,
  findings: array(finding),
  rules: array(rule),
  architectureFile: optional(string),
  filesAnalyzed: number,
  skipped: array(object({ file: string, reason: string })),
  notices: optional(array(object({ kind: string, message: string, file: optional(string) }))),
});

/** The first problem with a stored cache entry, or undefined when it can be used. */
export function cacheProblem(value: unknown): string | undefined {
  return object({
    key: string,
    fingerprint: string,
    inputs: (v, at) => (isRecord(v) ? Object.entries(v).map(([k, h]) => string(h, `${at}[${JSON.stringify(k)}]`)).find(Boolean) : `${at} is not an object`),
    logs: array(string),
    result,
  })(value, 'cache');
}
