/**
 * What the CLI needs from the analysis engine and the report generator. It
 * is loaded on first use (see engine.ts): in the bundle it is dist/engine.js,
 * which carries TypeScript and ts-morph.
 */
export { analyze } from '../engine/analyze';
export { generateReport } from '../report';
export { describeWorkspace } from '../engine/system/workspace';
export { draftArchitecture } from '../engine/system/architectureDraft';
