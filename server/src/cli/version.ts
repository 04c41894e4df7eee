/**
 * Tool identity, shared by `--version`, the JSON report and the SARIF driver.
 * The version comes from package.json; esbuild inlines it into dist/cli.js at
 * build time (only the `version` field is kept), tsx reads it when unbundled.
 */
import { version } from '../../../package.json';

export const TOOL_NAME = 'distributed-patterns';
export const TOOL_VERSION: string = version;
export const TOOL_INFORMATION_URI = 'https://github.com/distributed-patterns/distributed-patterns';
