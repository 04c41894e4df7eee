/** Where `report` writes its documents, relative to the workspace root. */
export const DEFAULT_OUT_DIR = 'docs/distributed';
