import { MockForgeError } from "../core/errors.js";

/** Longest pattern `matches` accepts: long patterns are where catastrophic backtracking hides. */
export const MAX_PATTERN_LENGTH = 256;
/** Longest input `matches` tests (64 KiB), so one request cannot make a rule scan megabytes. */
export const MAX_MATCH_INPUT = 64 * 1024;

const CACHE_LIMIT = 1000;
const cache = new Map<string, RegExp>();

/**
 * Compiles a `matches` pattern once and caches it. Over-long patterns are refused
 * (MFG_ERR_EXPR_FORBIDDEN), invalid ones are MFG_ERR_EXPR_EVAL.
 *
 * @example
 * compilePattern("^/api/orders/\\d+$").test("/api/orders/7") // true
 */
export function compilePattern(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new MockForgeError(
      "MFG_ERR_EXPR_FORBIDDEN",
      `A 'matches' pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`,
      { hint: "Use a shorter regular expression, or split the check into several 'matches' joined with AND." },
    );
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new MockForgeError(
      "MFG_ERR_EXPR_EVAL",
      `'${pattern}' is not a valid regular expression: ${(e as Error).message}`,
      { hint: "'matches' takes a JavaScript regular expression without slashes, e.g. '^/api/orders/\\d+$'." },
    );
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

/** `text matches pattern`: non-string text (other than numbers) never matches. */
export function matchesPattern(text: unknown, pattern: unknown): boolean {
  if (typeof pattern !== "string") {
    throw new MockForgeError("MFG_ERR_EXPR_EVAL", "The right side of 'matches' must be a string pattern", {
      hint: "Write the pattern as a quoted string: path matches '^/api/'.",
    });
  }
  const re = compilePattern(pattern);
  if (typeof text === "number") text = String(text);
  if (typeof text !== "string") return false;
  if (text.length > MAX_MATCH_INPUT) {
    throw new MockForgeError(
      "MFG_ERR_EXPR_FORBIDDEN",
      `'matches' was given ${text.length} characters; the limit is ${MAX_MATCH_INPUT}`,
      { hint: "Match on a smaller field (e.g. a header or one body property) instead of a whole large body." },
    );
  }
  return re.test(text);
}
