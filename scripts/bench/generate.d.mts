// Types of generate.mjs for the TypeScript tests that import it.
export interface GeneratedWorkspace {
  /** Number of .ts source files written. */
  files: number;
  services: string[];
  /** Root-relative files imported by many others (datastore client modules, service entries). */
  hubs: string[];
  /** Root-relative message handlers nothing imports but the entry. */
  leaves: string[];
  seed: number;
  requested: number;
}
export function plan(total: number): { services: number; libFiles: number; perService: number };
export function generate(outDir: string, options?: { files?: number; seed?: number }): GeneratedWorkspace;
