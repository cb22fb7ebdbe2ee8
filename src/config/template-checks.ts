/**
 * Compiles every template and condition in the routes at load time, so a `{{ ... }}` typo is
 * refused with its file:line:col instead of surfacing as a broken response at request time.
 */
import { isMockForgeError } from "../core/errors.js";
import { compileCondition, compileTemplate } from "../template/index.js";
import type { ConfigProblem } from "./config-error.js";
import type { ConfigSource } from "./parse-with-schema.js";
import type { RouteConfig } from "./schema/routes.js";
import { isPlainObject } from "./schema-introspect.js";

/** Template and condition problems in `routes`, which sit at `prefix` in the document. */
export function checkRouteTemplates(routes: readonly RouteConfig[], source: ConfigSource, prefix: readonly PropertyKey[] = ["routes"]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  routes.forEach((route, i) => {
    const at = [...prefix, i];
    const { status, headers, body } = route.response;
    checkTemplates(status, [...at, "response", "status"], source, problems);
    checkTemplates(headers, [...at, "response", "headers"], source, problems);
    checkTemplates(body, [...at, "response", "body"], source, problems);
    route.webhooks.forEach((hook, j) => {
      const hookAt = [...at, "webhooks", j];
      for (const key of ["url", "method", "headers", "body"] as const) checkTemplates(hook[key], [...hookAt, key], source, problems);
      if (hook.condition !== undefined) checkCondition(hook.condition, [...hookAt, "condition"], source, problems);
    });
  });
  return problems;
}

/**
 * Compiles each string inside `value` on its own, so an error names the exact string's path
 * and, for one-line strings, the column of the offending character.
 */
export function checkTemplates(value: unknown, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[]): void {
  if (typeof value === "string") {
    if (!value.includes("{{") && !value.includes("}}")) return;
    try {
      compileTemplate(value, source.displayPath(path));
    } catch (e) {
      problems.push(toProblem(e, path, source));
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkTemplates(item, [...path, i], source, problems));
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) checkTemplates(value[key], [...path, key], source, problems);
  }
}

/** Compiles a condition expression (which may itself hold `{{ }}`). */
export function checkCondition(src: string, path: PropertyKey[], source: ConfigSource, problems: ConfigProblem[]): void {
  try {
    compileCondition(src, source.displayPath(path));
  } catch (e) {
    problems.push(toProblem(e, path, source));
  }
}

function toProblem(e: unknown, path: PropertyKey[], source: ConfigSource): ConfigProblem {
  if (!isMockForgeError(e)) throw e;
  const position = typeof e.details.position === "number" ? e.details.position : undefined;
  // The problem line shows the path already; keep the message to what is wrong.
  const message = e.message.replace(`Template at ${source.displayPath(path)}: `, "").replace(`Template at ${source.displayPath(path)} `, "template ");
  return source.problem(e.code, path, message, { hint: e.details.hint, offset: position });
}
