/**
 * CommonJS modules the engine follows without running them (facts/requiredModules.ts), found on
 * resonatecoop-api: Sequelize models defined by factory modules (`module.exports = (sequelize,
 * DataTypes) => sequelize.define(...)`, the sequelize-cli layout) loaded with
 * `require(path.join(__dirname, 'resonate', 'file.js'))(db.Resonate, DataTypes)`, assigned onto a
 * `db` object and exported with `module.exports = { ...module.exports, ...db }`; and a BullMQ worker
 * whose handler is a module exporting an arrow function (`const optimize = require('./optimize')`).
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** The models index: a Sequelize client, two models from factory modules, exported through a spread. */
const INDEX = (load: (file: string) => string) => lines(
  "const path = require('path')",
  "const { Sequelize, DataTypes } = require('sequelize')",
  '',
  'const db = {}',
  "db.Resonate = new Sequelize(process.env.DATABASE_URL, { dialect: 'postgres' })",
  `db.File = ${load('file.js')}(db.Resonate, DataTypes)`,
  `db.Track = ${load('track.js')}(db.Resonate, DataTypes)`,
  '',
  'module.exports = { ...module.exports, ...db }',
);
const BY_PATH = (file: string) => `require(path.join(__dirname, '/resonate', '${file}'))`;
const BY_LITERAL = (file: string) => `require('./resonate/${file}')`;

const model = (name: string) => lines(
  'module.exports = (sequelize, DataTypes) => {',
  `  const ${name} = sequelize.define('${name}', { id: { type: DataTypes.UUID, primaryKey: true }, status: DataTypes.STRING })`,
  `  return ${name}`,
  '}',
);

const UPLOAD_FILE = 'api/src/util/process-file.js';
/** The upload route: a File row, then its conversion job. */
const UPLOAD = lines(
  "const { Queue } = require('bullmq')",
  "const { File } = require('../db/models')",
  '',
  "const convert = new Queue('convert-audio')",
  '',
  'async function processFile (ctx) {',
  '  const file = await File.create({ ownerId: ctx.profile.id })',
  "  await convert.add('convert-audio', { filename: file.id })",
  '  return file',
  '}',
  'module.exports = { processFile }',
);

const WORKER_FILE = 'api/src/jobs/queue-worker.js';
const WORKER = lines(
  "const { Worker } = require('bullmq')",
  "const convertAudio = require('./convert-audio')",
  '',
  "new Worker('convert-audio', convertAudio)",
);
/** The job module: a Track row per run, keyed on nothing the message gives. */
const JOB = lines(
  "const { Track } = require('../db/models')",
  '',
  'module.exports = async (job) => {',
  "  await Track.create({ status: 'converted' })",
  '}',
);

const models = (load: (file: string) => string) => ({
  'api/src/db/models/index.js': INDEX(load),
  'api/src/db/models/resonate/file.js': model('File'),
  'api/src/db/models/resonate/track.js': model('Track'),
});

runRuleTests('dual-write', {
  valid: [
    { name: 'the same route when the models index loads from a path the code builds at run time', files: { ...models((f) => `require(path.join(__dirname, process.env.MODELS_DIR, '${f}'))`), [UPLOAD_FILE]: UPLOAD } },
  ],
  invalid: [
    { name: 'a model from a factory module loaded by path.join(__dirname, ...): its create is a write', files: { ...models(BY_PATH), [UPLOAD_FILE]: UPLOAD }, errors: [{ messageId: 'dualWrite', file: UPLOAD_FILE, ...at(UPLOAD, 'add(') }] },
    { name: 'the same factory module loaded by a literal require', files: { ...models(BY_LITERAL), [UPLOAD_FILE]: UPLOAD }, errors: [{ messageId: 'dualWrite', file: UPLOAD_FILE, ...at(UPLOAD, 'add(') }] },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    {
      name: 'a worker whose handler is the arrow function a required module exports',
      files: { ...models(BY_PATH), [WORKER_FILE]: WORKER, 'api/src/jobs/convert-audio.js': JOB },
      errors: [{ messageId: 'unguarded', file: WORKER_FILE, ...at(WORKER, 'Worker(') }],
    },
  ],
});
