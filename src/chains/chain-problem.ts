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

/** The inverse of `formatChainPath` for paths that template errors carry as text. */
export function parseChainPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** A problem at `segments` (MFG_ERR_CHAIN_INVALID unless `extra.code` says otherwise). */
export function problem(segments: (string | number)[], message: string, extra: { code?: ChainProblem["code"]; offset?: number } = {}): ChainProblem {
  const p: ChainProblem = { code: extra.code ?? "MFG_ERR_CHAIN_INVALID", path: formatChainPath(segments), segments, message };
  if (extra.offset !== undefined) p.offset = extra.offset;
  return p;
}
