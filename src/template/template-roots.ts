/**
 * Root names a template or condition reads that its context does not have (`{{reqest.body.x}}`,
 * `respons.body.total > 100`). At run time such a name renders as empty (a template) or makes
 * the condition fail; found at load, it is an error with its position and a did-you-mean.
 */
import { BUILTIN_NAMES } from "../expr/index.js";
import { didYouMean } from "../expr/did-you-mean.js";
import { compileCondition } from "./condition.js";
import { scanTemplate, type TemplatePart } from "./scan-template.js";

/** What a context's templates can read: its own root names (the built-ins are added). */
export interface TemplateRoots {
  names: readonly string[];
  /** Names the context in messages: "a route response". */
  what: string;
  /** Said when no known name is near the unknown one ("variables are read as variables.<name>"). */
  otherwise?: string;
}

/** Root names some context has: a near miss of one the current context lacks is named as such. */
const OTHER_CONTEXTS_ROOTS = ["request", "response", "chain", "variables", "steps", "env", "base_url"];

export interface RootProblem {
  /** Keys and indexes from the checked value down to the string that reads the name. */
  path: (string | number)[];
  /** The unknown root name. */
  name: string;
  /** Character offset of the name in that string. */
  offset: number;
  message: string;
  hint: string;
}

/** `roots` plus names that only some fields see (an outbound call's headers also see `body`). */
export function withNames(roots: TemplateRoots, ...names: string[]): TemplateRoots {
  return { ...roots, names: [...roots.names, ...names] };
}

/**
 * Unknown roots read by the `{{ }}` in every string inside `value` (object keys are literal).
 * A string that does not compile is skipped: its syntax error is reported by the compile check.
 *
 * @example
 * unknownTemplateRoots({ id: "{{reqest.body.id}}" }, { names: ["request"], what: "a route response" })
 * // [{ path: ["id"], name: "reqest", offset: 2, message: "…", hint: "Did you mean 'request.body.id'?" }]
 */
export function unknownTemplateRoots(value: unknown, roots: TemplateRoots, path: (string | number)[] = []): RootProblem[] {
  if (typeof value === "string") {
    if (!value.includes("{{")) return [];
    let parts: TemplatePart[] | undefined;
    try {
      parts = scanTemplate(value, "");
    } catch {
      return [];
    }
    return parts ? unknownRootsInParts(value, parts, roots, path) : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownTemplateRoots(item, roots, [...path, i]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => unknownTemplateRoots(v, roots, [...path, k]));
  }
  return [];
}

/**
 * `unknownTemplateRoots` of one string already split by `scanTemplate` (a config's load checks
 * each string once: parsing it again here was a third of those checks for 20k routes).
 */
export function unknownRootsInParts(text: string, parts: readonly TemplatePart[], roots: TemplateRoots, path: (string | number)[] = []): RootProblem[] {
  const refs = new Set<string>();
  for (const p of parts) if (typeof p !== "string") for (const r of p.expr.paths) refs.add(r);
  return refs.size === 0 ? [] : check([...refs], text, text.indexOf("{{"), roots, path);
}

/** Unknown roots read by a condition expression (which may hold `{{ }}`); [] when it does not compile. */
export function unknownConditionRoots(src: string, roots: TemplateRoots, path: (string | number)[] = []): RootProblem[] {
  let refs: string[];
  try {
    refs = compileCondition(src).references();
  } catch {
    return [];
  }
  return check(refs, src, 0, roots, path);
}

/** The names each context can read, made once per context rather than once per string. */
const knownNames = new WeakMap<TemplateRoots, string[]>();

function check(refs: readonly string[], text: string, from: number, roots: TemplateRoots, path: (string | number)[]): RootProblem[] {
  let known = knownNames.get(roots);
  if (!known) knownNames.set(roots, (known = [...new Set([...roots.names, ...BUILTIN_NAMES])]));
  const seen = new Set<string>();
  const out: RootProblem[] = [];
  for (const ref of refs) {
    const name = ref.split(".")[0]!;
    if (known.includes(name) || seen.has(name)) continue;
    seen.add(name);
    const guess = didYouMean(name, known);
    const elsewhere = guess ? undefined : didYouMean(name, OTHER_CONTEXTS_ROOTS);
    out.push({
      path,
      name,
      offset: offsetOf(text, name, from),
      message: `unknown name '${name}'${ref === name ? "" : ` (in '${ref}')`}: ${roots.what} can read ${known.join(", ")}`,
      hint: guess
        ? `Did you mean '${guess}${ref.slice(name.length)}'?`
        : elsewhere
          ? `'${elsewhere}' is not available in ${roots.what} (docs/templates.md#names-in-each-context).`
          : (roots.otherwise ?? `See docs/templates.md#names-in-each-context.`),
    });
  }
  return out;
}

/** Where `name` first stands as a whole name (not a property, not inside another word) from `from` on. */
function offsetOf(text: string, name: string, from: number): number {
  const escaped = name.replace(/[$]/g, "\\$");
  const m = new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`, "g");
  m.lastIndex = from;
  const hit = m.exec(text);
  return hit ? hit.index : from;
}
