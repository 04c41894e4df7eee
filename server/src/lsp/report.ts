/**
 * The review report on request: runs the report generator for one workspace
 * folder with the open editors' unsaved text, and answers with the files.
 */
import { ResponseError, ErrorCodes, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { generateReport } from '../report';
import type { Folders } from './folders';
import type { GenerateReportParams, GenerateReportResult } from './protocol';
import type { Settings } from './settings';
import { isInside, pathToUri, uriToPath } from './uris';
import type { Folder } from './folders';

export async function reportForFolder(
  params: GenerateReportParams,
  deps: { folders: Folders; documents: TextDocuments<TextDocument>; settings(folder: Folder): Promise<Settings>; log(m: string): void },
): Promise<GenerateReportResult> {
  const folder = deps.folders.get(params.folderUri);
  if (!folder) throw new ResponseError(ErrorCodes.InvalidParams, `not a workspace folder of this server: ${params.folderUri}`);
  const settings = await deps.settings(folder);
  const overlays = new Map<string, string>();
  for (const doc of deps.documents.all()) {
    const abs = uriToPath(doc.uri);
    if (abs && isInside(folder.path, abs)) overlays.set(abs, doc.getText());
  }
  const result = await generateReport({
    root: folder.path, architectureFile: settings.architectureFile, includeTests: settings.includeTests, overlays, force: params.force === true, log: deps.log,
  });
  return {
    mainFileUri: pathToUri(result.mainFile),
    written: result.files.filter((f) => f.status !== 'skipped').map((f) => pathToUri(f.path)),
    skipped: result.skipped.map((f) => pathToUri(f.path)),
  };
}
