import { MockForgeError, type ErrorCode } from "../core/errors.js";

/** The expression as it appears in messages: long sources are cut so a message stays one line. */
export function quoteSource(source: string): string {
  const oneLine = source.replace(/\s+/g, " ");
  return oneLine.length > 80 ? `\`${oneLine.slice(0, 77)}...\`` : `\`${oneLine}\``;
}

/**
 * The error for an expression that cannot be accepted, pointing at a character.
 *
 * @example
 * throw exprError("MFG_ERR_EXPR_SYNTAX", "a ==", "expected a value after '=='", 4);
 */
export function exprError(
  code: ErrorCode,
  source: string,
  problem: string,
  position: number | undefined,
  hint?: string,
): MockForgeError {
  const at = position === undefined ? "" : ` (at character ${position})`;
  return new MockForgeError(code, `Expression ${quoteSource(source)} is not valid: ${problem}${at}`, {
    ...(position === undefined ? {} : { position }),
    expression: source,
    ...(hint ? { hint } : {}),
  });
}

/**
 * Where `word` appears in `source` as a whole token (not inside a longer identifier), for
 * pointing at a construct jsep's tree carries no position for. Falls back to any occurrence.
 */
export function findToken(source: string, word: string, from = 0): number | undefined {
  const isWordChar = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);
  const wordy = /^[\w$]/.test(word);
  let i = source.indexOf(word, from);
  const first = i;
  while (i >= 0) {
    const before = source[i - 1];
    const after = source[i + word.length];
    const ok = wordy ? !isWordChar(before) && !isWordChar(after) : !isOpChar(before) && !isOpChar(after);
    if (ok) return i;
    i = source.indexOf(word, i + 1);
  }
  return first >= 0 ? first : undefined;
}

function isOpChar(c: string | undefined): boolean {
  return c !== undefined && "=!<>&|^*?~+-%/".includes(c);
}
