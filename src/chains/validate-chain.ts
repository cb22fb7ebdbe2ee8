/**
 * Semantic validation of a chain (the schema only checks shapes): ids, dependencies, cycles,
 * templates, conditions, extract paths and scripts. Every problem is collected, so a user fixes
 * a chain in one pass; a valid chain comes back as a `PreparedChain` ready to run.
 */
import type { ChainConfig, ChainLinkConfig } from "../config/schema/chains.js";
import { describeError, isMockForgeError, MockForgeError } from "../core/errors.js";
import { checkScriptSyntax } from "../scripting/index.js";
import { compileCondition, compileTemplate } from "../template/index.js";
import { findCycles, formatCycle, transitiveDependencies } from "./dependency-graph.js";
import { parseExtractPath, type ExtractPath } from "./extract-path.js";
import { formatChainPath, parseChainPath, problem, type ChainProblem } from "./chain-problem.js";
import { inferDependencies } from "./infer-dependencies.js";
import { linkProblems } from "./link-checks.js";
import type { LinkCondition, LinkTemplate, PreparedChain, PreparedLink } from "./prepared-chain.js";

export { formatChainPath, type ChainProblem } from "./chain-problem.js";

export interface ValidateChainOptions {
  /** Used when the chain has no `id` (a chain file's name without extension). */
  defaultId?: string;
  /** Syntax check for scripts; returns a message (with the line) or null. Default: the sandbox's own parser. */
  checkScript?: (code: string) => string | null;
}

export interface ChainValidation {
  chainId: string;
  errors: ChainProblem[];
  warnings: ChainProblem[];
  /** Each dependency cycle as ids, first repeated last (`["a", "b", "a"]`). */
  cycles: string[][];
  /** The runnable chain when there are no errors. */
  prepared: PreparedChain | null;
}

const DEFAULT_MAX_LINKS = 100;

/**
 * Checks a chain and compiles it. Never throws for a bad chain: the result lists every problem.
 *
 * @example
 * const v = validateChain({ id: "c", links: [{ request: { id: "a", method: "GET", url: "x" }, depends_on: ["a"] }] });
 * v.errors[0].message // "link 'a' depends on itself"
 */
export function validateChain(chain: ChainConfig, options: ValidateChainOptions = {}): ChainValidation {
  const errors: ChainProblem[] = [];
  const warnings: ChainProblem[] = [];
  const chainId = chain.id ?? options.defaultId ?? "";
  if (!chainId) errors.push(problem([], "the chain has no id (inline chains need `id`; a chain file's id defaults to its file name)"));

  const links = chain.links;
  const maxLinks = chain.config?.max_links ?? DEFAULT_MAX_LINKS;
  if (links.length === 0) errors.push(problem(["links"], "the chain has no links; add at least one under `links`"));
  if (links.length > maxLinks) {
    errors.push(problem(["links"], `the chain has ${links.length} links, more than config.max_links (${maxLinks}); raise max_links or split the chain`));
  }
  const names = checkIdsAndNames(links, errors);
  const declared = declaredDependencies(links, names, errors);
  // Templates, conditions, extract paths, scripts.
  const compiled = links.map((l, i) => compileLink(l, i, errors, options));
  const inference = inferDependencies(
    links.map((l, i) => ({ id: l.request.id, name: l.store_as ?? l.request.id, extractNames: Object.keys(l.extract ?? {}), references: compiled[i]!.references })),
  );
  for (const w of inference.warnings) warnings.push(problem(["links"], w));
  const graph: LinkGraph = { firstIndexOfId: names.firstIndexOfId, declared, inferred: inference.dependsOn, all: new Map() };
  for (const id of names.firstIndexOfId.keys()) {
    const merged = new Set([...(declared.get(id) ?? []), ...(inference.dependsOn.get(id) ?? [])]);
    graph.all.set(id, [...merged].sort((a, b) => names.firstIndexOfId.get(a)! - names.firstIndexOfId.get(b)!));
  }
  const cycles = findCycles(graph.all);
  for (const c of cycles) errors.push(cycleProblem(c, graph));
  if (errors.length > 0) return { chainId, errors, warnings, cycles, prepared: null };
  return { chainId, errors, warnings, cycles, prepared: preparedChain(chain, chainId, compiled, graph, inference.readsRequest, warnings) };
}

/** Where each link id first stands, and which link each other `store_as` name belongs to. */
interface LinkNames {
  firstIndexOfId: Map<string, number>;
  nameOwner: Map<string, string>;
}

/** The dependencies of each link: declared, inferred from `{{chain.<name>}}`, and both merged in link order. */
interface LinkGraph {
  firstIndexOfId: Map<string, number>;
  declared: Map<string, string[]>;
  inferred: Map<string, string[]>;
  all: Map<string, string[]>;
}

/** Ids and names: duplicates make `depends_on` and `chain.<name>` ambiguous. */
function checkIdsAndNames(links: readonly ChainLinkConfig[], errors: ChainProblem[]): LinkNames {
  const firstIndexOfId = new Map<string, number>();
  const nameOwner = new Map<string, string>();
  links.forEach((l, i) => {
    const id = l.request.id;
    const prev = firstIndexOfId.get(id);
    if (prev !== undefined) errors.push(problem(["links", i, "request", "id"], `link id '${id}' is used twice (links[${prev}] and links[${i}]); ids must be unique`));
    else firstIndexOfId.set(id, i);
  });
  links.forEach((l, i) => {
    if (!l.store_as || l.store_as === l.request.id) return;
    const owner = firstIndexOfId.has(l.store_as) ? l.store_as : nameOwner.get(l.store_as);
    if (owner !== undefined) {
      errors.push(problem(["links", i, "store_as"], `store_as '${l.store_as}' of link '${l.request.id}' is already the name of link '${owner}'; chain.${l.store_as} would be ambiguous`));
    } else nameOwner.set(l.store_as, l.request.id);
  });
  return { firstIndexOfId, nameOwner };
}

/** Each link's declared dependencies that exist; a missing or self dependency is an error. */
function declaredDependencies(links: readonly ChainLinkConfig[], { firstIndexOfId, nameOwner }: LinkNames, errors: ChainProblem[]): Map<string, string[]> {
  const knownIds = [...new Set(links.map((l) => l.request.id))].join(", ");
  const declared = new Map<string, string[]>();
  links.forEach((l, i) => {
    const deps: string[] = [];
    for (const { dep, at } of declaredWithPaths(l, i)) {
      if (deps.includes(dep)) continue;
      if (dep === l.request.id) {
        errors.push(problem(at, `link '${dep}' depends on itself`));
      } else if (!firstIndexOfId.has(dep)) {
        const alias = nameOwner.get(dep);
        const hint = alias ? ` ('${dep}' is the store_as of '${alias}': depend on '${alias}')` : "";
        errors.push(problem(at, `link '${l.request.id}' depends on '${dep}', which is not in the chain${hint}. Known ids: ${knownIds}`));
      } else deps.push(dep);
    }
    if (!declared.has(l.request.id)) declared.set(l.request.id, deps);
  });
  return declared;
}

function cycleProblem(c: string[], g: LinkGraph): ChainProblem {
  const where = [...new Set(c)].map((id) => `links[${g.firstIndexOfId.get(id)}] ${id}`).join(", ");
  const inferredNote = c.slice(0, -1).some((id, k) => (g.inferred.get(id) ?? []).includes(c[k + 1]!) && !(g.declared.get(id) ?? []).includes(c[k + 1]!))
    ? " (some of these dependencies are inferred from {{chain.<name>}} references)"
    : "";
  return problem(["links", g.firstIndexOfId.get(c[0]!)!], `dependency cycle ${formatCycle(c)} (${where})${inferredNote}; a link cannot wait for itself`, { code: "MFG_ERR_CHAIN_CYCLE" });
}

/** The runnable chain, once nothing is wrong with it. */
function preparedChain(chain: ChainConfig, chainId: string, compiled: CompiledLink[], g: LinkGraph, readsRequest: ReadonlySet<string>, warnings: ChainProblem[]): PreparedChain {
  const links = chain.links;
  const firstDeps = transitiveDependencies(g.all, links[0]!.request.id);
  return {
    id: chainId,
    name: chain.name ?? chainId,
    description: chain.description ?? null,
    config: { ...chain, id: chainId, name: chain.name ?? chainId },
    links: links.map((l, i): PreparedLink => {
      const c = compiled[i]!;
      const id = l.request.id;
      return {
        index: i,
        id,
        name: l.store_as ?? id,
        config: l,
        dependsOn: g.all.get(id) ?? [],
        inferredDependsOn: (g.inferred.get(id) ?? []).filter((d) => !(g.declared.get(id) ?? []).includes(d)),
        method: c.method!,
        url: c.url!,
        headers: c.headers,
        body: c.body,
        condition: c.condition,
        extract: c.extract,
        waitsForFirstRequest: i > 0 && readsRequest.has(id) && !firstDeps.has(id),
      };
    }),
    warnings: warnings.map((w) => w.message),
    hasScripts: links.some((l) => Boolean(l.scripting?.pre_script || l.scripting?.post_script)),
    maxConcurrency: chain.config?.max_concurrency ?? Math.max(1, links.length),
    timeoutMs: chain.config?.timeout_ms ?? null,
  };
}

interface CompiledLink {
  method: LinkTemplate | null;
  url: LinkTemplate | null;
  headers: LinkTemplate | null;
  body: LinkTemplate | null;
  condition: LinkCondition | null;
  extract: { name: string; path: ExtractPath }[];
  references: string[];
}

function compileLink(l: ChainLinkConfig, i: number, errors: ChainProblem[], options: ValidateChainOptions): CompiledLink {
  const references: string[] = [];
  const template = (value: unknown, key: string): LinkTemplate | null => {
    const segments = ["links", i, "request", key];
    try {
      const t = compileTemplate(value, formatChainPath(segments));
      references.push(...t.references());
      return t;
    } catch (e) {
      const at = isMockForgeError(e) && typeof e.details.path === "string" ? parseChainPath(e.details.path) : segments;
      errors.push(problem(at, problemText(e), positionOf(e)));
      return null;
    }
  };
  const out: CompiledLink = {
    method: template(l.request.method, "method"),
    url: template(l.request.url, "url"),
    headers: l.request.headers ? template(l.request.headers, "headers") : null,
    body: l.request.body !== undefined ? template(l.request.body, "body") : null,
    condition: null,
    extract: [],
    references,
  };
  if (l.condition !== undefined) {
    try {
      const c = compileCondition(l.condition, `links[${i}].condition`);
      references.push(...c.references());
      out.condition = c;
    } catch (e) {
      errors.push(problem(["links", i, "condition"], `condition does not compile: ${problemText(e)}`, positionOf(e)));
    }
  }
  errors.push(...linkProblems(l, i));
  for (const [name, p] of Object.entries(l.extract ?? {})) {
    const parsed = parseExtractPath(p);
    if ("error" in parsed) errors.push(problem(["links", i, "extract", name], `extract path ${parsed.error}`));
    else out.extract.push({ name, path: parsed });
  }
  for (const key of ["pre_script", "post_script"] as const) {
    const code = l.scripting?.[key];
    if (code === undefined) continue;
    const bad = (options.checkScript ?? sandboxSyntax)(code);
    if (bad) errors.push(problem(["links", i, "scripting", key], `${key} of link '${l.request.id}' does not parse: ${bad}`));
  }
  return out;
}

/** The sandbox's verdict on a script (same QuickJS build and wrapper as a run), as one message. */
export function sandboxSyntax(code: string): string | null {
  const r = checkScriptSyntax(code);
  return r.ok ? null : `line ${r.line}, column ${r.column}: ${r.message}`;
}

function positionOf(e: unknown): { offset?: number } {
  return isMockForgeError(e) && typeof e.details.position === "number" ? { offset: e.details.position } : {};
}

/** Declared dependencies with where each was written (the link's `depends_on` or the request's). */
function declaredWithPaths(l: ChainLinkConfig, i: number): { dep: string; at: (string | number)[] }[] {
  const out: { dep: string; at: (string | number)[] }[] = [];
  const add = (v: string | string[] | undefined, base: (string | number)[]) => {
    if (typeof v === "string") out.push({ dep: v, at: base });
    else v?.forEach((dep, k) => out.push({ dep, at: [...base, k] }));
  };
  add(l.depends_on, ["links", i, "depends_on"]);
  add(l.request.depends_on, ["links", i, "request", "depends_on"]);
  return out;
}

function problemText(e: unknown): string {
  if (isMockForgeError(e)) return e.message + (e.details.hint ? ` (${e.details.hint})` : "");
  return describeError(e).message;
}

/**
 * Validates and compiles, throwing when the chain is invalid: MFG_ERR_CHAIN_CYCLE when every
 * problem is a cycle, else MFG_ERR_CHAIN_INVALID. The message names the chain and lists every
 * problem with its path; `details.problems` has them as data and `details.warnings` the warnings.
 *
 * @example
 * const prepared = prepareChain(chainConfig, { defaultId: "orders" });
 */
export function prepareChain(chain: ChainConfig, options: ValidateChainOptions = {}): PreparedChain {
  const v = validateChain(chain, options);
  if (v.prepared) return v.prepared;
  throw chainValidationError(v);
}

/** The error for a failed validation (see `prepareChain`). */
export function chainValidationError(v: ChainValidation): MockForgeError {
  const onlyCycles = v.errors.length > 0 && v.errors.every((p) => p.code === "MFG_ERR_CHAIN_CYCLE");
  const lines = v.errors.map((p) => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
  const name = v.chainId ? `'${v.chainId}'` : "(no id)";
  const message =
    lines.length === 1 ? `Chain ${name} is invalid: ${lines[0]}` : `Chain ${name} is invalid (${lines.length} problems):\n  - ${lines.join("\n  - ")}`;
  return new MockForgeError(onlyCycles ? "MFG_ERR_CHAIN_CYCLE" : "MFG_ERR_CHAIN_INVALID", message, {
    chainId: v.chainId,
    // A single `path` only when there is a single problem; `format()` would otherwise pin the list to the first.
    ...(v.errors.length === 1 ? { path: v.errors[0]!.path } : {}),
    problems: v.errors,
    warnings: v.warnings.map((w) => w.message),
    hint: onlyCycles ? "Remove one depends_on (or {{chain.<name>}} reference) on each cycle." : "Fix the listed problems; no request was sent.",
  });
}
