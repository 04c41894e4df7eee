/**
 * A file's text with its comments blanked out (each comment character replaced by a space, line
 * breaks kept), so that positions still match the parsed file. A name searched in this text is a
 * name in code or in a string, never one in `// this.service.trackEvent(data)` left commented out.
 * The TypeScript scanner reads the tokens: template literals (`${...}` continuations) and regular
 * expression literals are re-scanned as the parser would, so `//` inside them is not a comment.
 */
import { ts } from 'ts-morph';

const K = ts.SyntaxKind;

/** Tokens after which a `/` divides (an operand ends there); anywhere else it starts a regular expression. */
const OPERAND_END = new Set<ts.SyntaxKind>([
  K.Identifier, K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateTail,
  K.RegularExpressionLiteral, K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken, K.ThisKeyword, K.SuperKeyword,
  K.TrueKeyword, K.FalseKeyword, K.NullKeyword, K.PlusPlusToken, K.MinusMinusToken,
]);

export function withoutComments(text: string, jsx = false): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, jsx ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard, text);
  const parts: string[] = [];
  let copied = 0;
  // The brace depth at which each open template literal's `${` was entered.
  const templates: number[] = [];
  let depth = 0;
  let previous: ts.SyntaxKind = K.Unknown;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if (token === K.SingleLineCommentTrivia || token === K.MultiLineCommentTrivia) {
      const start = scanner.getTokenStart();
      parts.push(text.slice(copied, start), text.slice(start, scanner.getTokenEnd()).replace(/[^\r\n]/g, ' '));
      copied = scanner.getTokenEnd();
      continue;
    }
    if (token === K.WhitespaceTrivia || token === K.NewLineTrivia || token === K.ShebangTrivia || token === K.ConflictMarkerTrivia) continue;
    if (token === K.TemplateHead) templates.push(depth);
    else if (token === K.OpenBraceToken) depth++;
    else if (token === K.CloseBraceToken) {
      if (templates.length && templates[templates.length - 1] === depth) {
        token = scanner.reScanTemplateToken(false);
        if (token === K.TemplateTail) templates.pop();
      } else depth--;
    } else if ((token === K.SlashToken || token === K.SlashEqualsToken) && !OPERAND_END.has(previous)) {
      token = scanner.reScanSlashToken();
    }
    previous = token;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}
