/** What every document renderer receives. */
import type { Linker } from '../markdown';
import type { Topology } from '../topology/types';

export interface DocContext {
  t: Topology;
  link: Linker;
}

/** The file names of the documents, relative to the output folder, in index order. */
export const FILES = {
  readme: 'README.md',
  serviceMap: 'service-map.md',
  serviceMapSvg: 'service-map.svg',
  contracts: 'contracts.md',
  consistencyNote: 'consistency-note.md',
  decisions: 'decisions.md',
  failureModes: 'failure-modes.md',
  findings: 'findings.md',
  openQuestions: 'open-questions.md',
} as const;
