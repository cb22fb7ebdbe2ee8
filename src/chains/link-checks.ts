/**
 * Checks of a link that need no other link: the names its templates and condition read, and its
 * signing block. A name a link cannot see (`{{chian.a.status}}`, `{{base_ulr}}`) would render as
 * empty at run time; here it is a load error with its position and a did-you-mean.
 */
import type { ChainLinkConfig } from "../config/schema/chains.js";
import { signingProblem } from "../config/schema/signing.js";
import { unknownConditionRoots, unknownTemplateRoots, withNames, type RootProblem, type TemplateRoots } from "../template/index.js";
import { formatChainPath, type ChainProblem } from "./chain-problem.js";

/** What a link's templates and condition read (see run-link.ts); its headers also see `body`. */
export const CHAIN_LINK_ROOTS: TemplateRoots = { names: ["chain", "request", "variables", "env", "base_url"], what: "a chain link" };

export function linkProblems(l: ChainLinkConfig, i: number): ChainProblem[] {
  const out: ChainProblem[] = [];
  const add = (found: RootProblem[], at: (string | number)[]) => {
    for (const r of found) {
      const segments = [...at, ...r.path];
      out.push({ code: "MFG_ERR_EXPR_MISSING_NAME", path: formatChainPath(segments), segments, message: r.message, offset: r.offset, hint: r.hint });
    }
  };
  for (const key of ["method", "url", "headers", "body"] as const) {
    const roots = key === "headers" ? withNames(CHAIN_LINK_ROOTS, "body") : CHAIN_LINK_ROOTS;
    add(unknownTemplateRoots(l.request[key], roots), ["links", i, "request", key]);
  }
  if (l.condition !== undefined) add(unknownConditionRoots(l.condition, CHAIN_LINK_ROOTS), ["links", i, "condition"]);
  const signing = signingProblem(l.request.signing);
  if (signing) {
    const segments = ["links", i, "request", "signing", ...signing.path];
    out.push({ code: "MFG_ERR_CHAIN_INVALID", path: formatChainPath(segments), segments, message: `link '${l.request.id}': ${signing.message}` });
  }
  return out;
}
