import { RE2JS } from "re2js";
import { MockForgeError } from "../core/errors.js";

/** Longest pattern `matches` accepts: bounds compile time and memory per pattern. */
export const MAX_PATTERN_LENGTH = 256;
/** Longest input `matches` tests (64 KiB), so one request cannot make a rule scan megabytes. */
export const MAX_MATCH_INPUT = 64 * 1024;

/** A compiled `matches` pattern: an unanchored search, like `RegExp.prototype.test`. */
export type Pattern = (text: string) => boolean;

const CACHE_LIMIT = 1000;
const cache = new Map<string, Pattern>();

/**
 * Compiles a `matches` pattern once and caches it. The engine is RE2 (re2js): matching takes
 * time linear in the input whatever the pattern, so neither a config nor a request can stall
 * the event loop (`^(a+)+$` against `aaaa…!` is as fast as any other). What RE2 cannot do in
 * linear time (backreferences, lookaround) is refused here, with the offending part and its
 * position, never run on a backtracking engine. Over-long patterns are refused
 * (MFG_ERR_EXPR_FORBIDDEN), invalid ones are MFG_ERR_EXPR_EVAL.
 *
 * @example
 * compilePattern("^/api/orders/[0-9]+$")("/api/orders/7") // true
 */
export function compilePattern(pattern: string): Pattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new MockForgeError(
      "MFG_ERR_EXPR_FORBIDDEN",
      `A 'matches' pattern is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`,
      { hint: "Use a shorter regular expression, or split the check into several 'matches' joined with AND." },
    );
  }
  const compiled = literalPattern(pattern) ?? re2Pattern(pattern);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

function re2Pattern(pattern: string): Pattern {
  try {
    const re = RE2JS.compile(pattern);
    return (text) => re.test(text);
  } catch (e) {
    const part = (e as { input?: unknown }).input;
    const at = typeof part === "string" && part !== "" ? pattern.indexOf(part) : -1;
    const reason = ((e as { error?: unknown }).error as string | undefined) ?? (e as Error).message;
    throw new MockForgeError(
      "MFG_ERR_EXPR_EVAL",
      `'${pattern}' is not a regular expression 'matches' can run: ${reason}${typeof part === "string" && part !== "" ? ` \`${part}\`` : ""}${at >= 0 ? ` at pattern character ${at + 1}` : ""}`,
      {
        ...(at >= 0 ? { patternPosition: at } : {}),
        hint: "'matches' uses RE2 syntax (linear time): no backreferences (\\1) or lookaround ((?=, (?!, (?<=); e.g. '^/api/orders/[0-9]+$'.",
      },
    );
  }
}

/** Characters that make a pattern more than literal text. */
const SPECIAL = /[\\^$.|?*+()[\]{}]/;

/**
 * Patterns that are plain text with optional `^`/`$` anchors (`^/admin/`, `/orders`, `^ok$`)
 * are the common case in rules; they are string comparisons, exactly equivalent to the regular
 * expression (no flags: `$` is the end of the text only), without a regex engine per call.
 */
function literalPattern(pattern: string): Pattern | null {
  const start = pattern.startsWith("^");
  const end = pattern.endsWith("$") && pattern.length > (start ? 1 : 0);
  const body = pattern.slice(start ? 1 : 0, end ? -1 : undefined);
  if (SPECIAL.test(body)) return null;
  if (start && end) return (t) => t === body;
  if (start) return (t) => t.startsWith(body);
  if (end) return (t) => t.endsWith(body);
  return (t) => t.includes(body);
}

/** `text matches pattern`: non-string text (other than numbers) never matches. */
export function matchesPattern(text: unknown, pattern: unknown): boolean {
  if (typeof pattern !== "string") {
    throw new MockForgeError("MFG_ERR_EXPR_EVAL", "The right side of 'matches' must be a string pattern", {
      hint: "Write the pattern as a quoted string: path matches '^/api/'.",
    });
  }
  const test = compilePattern(pattern);
  if (typeof text === "number") text = String(text);
  if (typeof text !== "string") return false;
  if (text.length > MAX_MATCH_INPUT) {
    throw new MockForgeError(
      "MFG_ERR_EXPR_FORBIDDEN",
      `'matches' was given ${text.length} characters; the limit is ${MAX_MATCH_INPUT}`,
      { hint: "Match on a smaller field (e.g. a header or one body property) instead of a whole large body." },
    );
  }
  return test(text);
}
