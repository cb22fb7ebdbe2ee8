/** A chain validation problem and how its path is written (shared by the chain checks). */

/** One problem, located by config path (`links[1].request.url`). */
export interface ChainProblem {
  code: "MFG_ERR_CHAIN_INVALID" | "MFG_ERR_CHAIN_CYCLE" | "MFG_ERR_EXPR_MISSING_NAME";
  /** As text: `links[1].request.url`. */
  path: string;
  /** The same path as keys and indexes, for locating it in the source file. */
  segments: (string | number)[];
  message: string;
  /** Character offset inside a string value (template and condition errors). */
  offset?: number;
  /** What to do about it ("Did you mean 'chain.a.status'?"). */
  hint?: string;
}

/** `["links", 1, "request", "url"]` → `links[1].request.url`. */
export function formatChainPath(segments: readonly (string | number)[]): string {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
