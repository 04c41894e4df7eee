import type { FormatName, Formatter } from './types';
import { formatStylish } from './stylish';
import { formatJson } from './json';
import { formatSarif } from './sarif';

export { FORMAT_NAMES } from './types';
export type { FormatName, Formatter, ReportInput, FormatOptions } from './types';

export const formatters: Record<FormatName, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
};
