/**
 * Compiles the templated fields of a hook action once (SPEC §8): `url`, `headers`, `body` of
 * `http_request`, `value` of `set_variable`, `message` of `log`, `variables` of `execute_chain`,
 * `to` (as `url`) and `body` of `trigger_webhook`.
 * Compiled forms are cached per action object, so a hook run many times parses once.
 */
import type { HookActionConfig } from "../config/schema/chaos.js";
import { compileBodyTemplate, compileTemplate, type Template } from "../template/index.js";

export interface ActionTemplates {
  url?: Template;
  headers?: Template;
  body?: Template;
  value?: Template;
  message?: Template;
  variables?: Template;
}

const cache = new WeakMap<object, ActionTemplates>();

/**
 * Throws MFG_ERR_TEMPLATE_SYNTAX for a bad `{{ }}` (validation calls it at load to report it).
 *
 * @example
 * compileHookTemplates({ type: "log", message: "order {{variables.order_id}}", level: "info" }).message
 */
export function compileHookTemplates(action: HookActionConfig, path = ""): ActionTemplates {
  const hit = cache.get(action);
  if (hit) return hit;
  const at = (field: string) => (path ? `${path}.${field}` : field);
  let compiled: ActionTemplates;
  switch (action.type) {
    case "http_request":
      compiled = {
        url: compileTemplate(action.url, at("url")),
        headers: compileTemplate(action.headers ?? {}, at("headers")),
        body: compileBodyTemplate(action.body, at("body")),
      };
      break;
    case "set_variable":
      compiled = { value: compileTemplate(action.value, at("value")) };
      break;
    case "log":
      compiled = { message: compileTemplate(action.message, at("message")) };
      break;
    case "execute_chain":
      compiled = { variables: compileTemplate(action.variables ?? {}, at("variables")) };
      break;
    case "wait":
      compiled = {};
      break;
    case "trigger_webhook":
      compiled = {
        ...(action.to !== undefined ? { url: compileTemplate(action.to, at("to")) } : {}),
        ...(action.body !== undefined ? { body: compileBodyTemplate(action.body, at("body")) } : {}),
      };
      break;
    default: {
      const never: never = action;
      throw new Error(`unhandled action ${(never as HookActionConfig).type}`);
    }
  }
  cache.set(action, compiled);
  return compiled;
}

