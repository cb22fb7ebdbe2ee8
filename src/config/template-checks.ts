/**
 * Compiles every template and condition in the routes at load time, so a `{{ ... }}` typo is
 * refused with its file:line:col instead of surfacing as a broken response at request time.
 */
import { isMockForgeError } from "../core/errors.js";
import { compileCondition, compileTemplate, jsonTextAsValue, scanTemplate, unknownConditionRoots, unknownRootsInParts, unknownTemplateRoots, withNames, type RootProblem, type TemplatePart, type TemplateRoots } from "../template/index.js";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { RouteConfig } from "./schema/routes.js";
import { isPlainObject } from "./schema-introspect.js";

/** What a route's response templates read (see MockEngine.scope). */
export const ROUTE_RESPONSE_ROOTS: TemplateRoots = { names: ["request", "env", "base_url"], what: "a route response" };
/** What a route webhook's templates and condition read (see route-webhooks.ts); its headers also see `body`. */
export const ROUTE_WEBHOOK_ROOTS: TemplateRoots = { names: ["request", "response", "env", "base_url"], what: "a route webhook" };

/** Template and condition problems in `routes`, which sit at `prefix` in the document. */
export function checkRouteTemplates(routes: readonly RouteConfig[], source: ConfigSource, prefix: readonly PropertyKey[] = ["routes"]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  routes.forEach((route, i) => {
    const at = [...prefix, i];
    for (const key of ["status", "headers"] as const) {
      checkTemplates(route.response[key], [...at, "response", key], source, problems, ROUTE_RESPONSE_ROOTS);
    }
    checkBody(route.response.body, [...at, "response", "body"], source, problems, ROUTE_RESPONSE_ROOTS);
    route.webhooks.forEach((hook, j) => {
      const hookAt = [...at, "webhooks", j];
      for (const key of ["url", "method", "headers"] as const) {
        const roots = key === "headers" ? withNames(ROUTE_WEBHOOK_ROOTS, "body") : ROUTE_WEBHOOK_ROOTS;
        checkTemplates(hook[key], [...hookAt, key], source, problems, roots);
      }
      checkBody(hook.body, [...hookAt, "body"], source, problems, ROUTE_WEBHOOK_ROOTS);
      if (hook.condition !== undefined) checkCondition(hook.condition, [...hookAt, "condition"], source, problems, ROUTE_WEBHOOK_ROOTS);
    });
  });
  return problems;
}

/**
 * A body's templates, as written and, for JSON text, as compiled: the engine compiles the value
 * the text parses to (`jsonTextAsValue`, `compileBodyTemplate`), where a JSON escape can change
 * a template (`\\'` in the text is `\'` in the value). Config routes compile on their first
 * request, so what does not compile must be found here, at load.
 */
function checkBody(body: unknown, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[], roots: TemplateRoots): void {
  const before = problems.length;
  checkTemplates(body, path, source, problems, roots);
  const value = jsonTextAsValue(body);
  if (value !== body && problems.length === before) checkTemplates(value, path, source, problems, roots);
}

/** Each name in `found` that its context does not have, as a problem at its string's position. */
export function rootProblems(found: readonly RootProblem[], at: readonly PropertyKey[], source: ConfigSource): ConfigProblem[] {
  return found.map((r) => source.problem("MFG_ERR_EXPR_MISSING_NAME", [...at, ...r.path], r.message, { hint: r.hint, offset: r.offset }));
}

/**
 * Checks each string inside `value` on its own, so an error names the exact string's path
 * and, for one-line strings, the column of the offending character.
 */
export function checkTemplates(value: unknown, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[], roots?: TemplateRoots): void {
  if (typeof value === "string") {
    if (!value.includes("{{") && !value.includes("}}")) return;
    checkString(value, path, source, problems, roots);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkTemplates(item, [...path, i], source, problems, roots));
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) checkTemplates(value[key], [...path, key], source, problems, roots);
  }
}

/**
 * One template string: parsed once, with no path in its messages, and its names checked from
 * that parse. The path as the user wrote it is built only for a string that does not parse,
 * compiled again for its error (for 20k templated routes, building each path and compiling
 * each string twice was most of the checks' time).
 */
function checkString(value: string, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[], roots: TemplateRoots | undefined): void {
  let parts: TemplatePart[] | undefined;
  try {
    parts = scanTemplate(value, "");
  } catch {
    checkCompiled(() => compileTemplate(value, source.displayPath(path)), (r) => unknownTemplateRoots(value, r), path, source, problems, roots);
    return;
  }
  if (roots && parts) problems.push(...rootProblems(unknownRootsInParts(value, parts, roots), path, source));
}

/** Compiles a condition expression (which may itself hold `{{ }}`), and checks its names against `roots`. */
export function checkCondition(src: string, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[], roots?: TemplateRoots): void {
  checkCompiled(() => compileCondition(src, source.displayPath(path)), (r) => unknownConditionRoots(src, r), path, source, problems, roots);
}

/** One string: a compile error is its problem; once it compiles, so is each name it reads that `roots` lacks. */
function checkCompiled(compile: () => unknown, unknownRoots: (roots: TemplateRoots) => RootProblem[], path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[], roots: TemplateRoots | undefined): void {
  try {
    compile();
  } catch (e) {
    problems.push(toProblem(e, path, source));
    return;
  }
  if (roots) problems.push(...rootProblems(unknownRoots(roots), path, source));
}

function toProblem(e: unknown, path: PropertyKey[], source: ConfigSource): ConfigProblem {
  if (!isMockForgeError(e)) throw e;
  const position = typeof e.details.position === "number" ? e.details.position : undefined;
  // The problem line shows the path already; keep the message to what is wrong.
  const message = e.message.replace(`Template at ${source.displayPath(path)}: `, "").replace(`Template at ${source.displayPath(path)} `, "template ");
  return source.problem(e.code, path, message, { hint: e.details.hint, offset: position });
}
