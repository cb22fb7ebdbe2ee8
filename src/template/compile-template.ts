import { isMockForgeError } from "../core/errors.js";
import { evaluate, toText, type EvalEnv, type Expr } from "../expr/index.js";
import { pinClock } from "./pin-clock.js";
import { scanTemplate, type TemplatePart } from "./scan-template.js";

/** A value whose `{{ }}` were parsed once; render it as often as needed. */
export interface Template {
  /** True when the value holds no `{{ }}`: `render` returns it unchanged (same reference). */
  readonly constant: boolean;
  /** True when it renders JSON text (a JSON-text body, `compileBodyTemplate`): send it labelled as JSON. */
  readonly json?: boolean;
  /**
   * Renders over a scope. Returned objects share unchanged sub-values with the compiled
   * value: treat the result as read-only.
   */
  render(scope: Record<string, unknown>, env: EvalEnv): unknown;
  /** Every static path the templates read (`chain.order.order_id`), for dependency inference. */
  references(): string[];
}

type Node =
  | { readonly kind: "const"; readonly value: unknown }
  | { readonly kind: "whole"; readonly expr: Expr; readonly path: string }
  | { readonly kind: "mixed"; readonly parts: readonly TemplatePart[]; readonly path: string }
  | { readonly kind: "array"; readonly items: readonly Node[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, Node])[] };

/**
 * Compiles every `{{ expr }}` in every string of a JSON/YAML value (object keys stay literal).
 * A string that is exactly one `{{ expr }}` (spaces around allowed) renders to the value's own
 * type; mixed strings render as text. Inserted values are never expanded again. A bad
 * expression is MFG_ERR_TEMPLATE_SYNTAX with `details.path` and `details.position`.
 *
 * @example
 * const t = compileTemplate({ order_id: "{{chain.order.order_id}}", items: "{{request.body.items}}" }, "links[1].request.body");
 * t.render({ chain: { order: { order_id: "o-1" } }, request: { body: { items: [1, 2] } } }, env);
 * // { order_id: "o-1", items: [1, 2] }
 */
export function compileTemplate(value: unknown, path = ""): Template {
  const root = compileNode(value, path);
  const refs = new Set<string>();
  collect(root, refs);
  const references = Object.freeze([...refs]);
  if (root.kind === "const") {
    const constant = root.value;
    return { constant: true, render: () => constant, references: () => [] };
  }
  // Only a template that can read the time pays for pinning it (most never mention it).
  const readsTime = JSON.stringify(value)?.includes("now") ?? false;
  return {
    constant: false,
    render: readsTime ? (scope, env) => renderNode(root, scope, pinClock(env)) : (scope, env) => renderNode(root, scope, env),
    references: () => [...references],
  };
}

function compileNode(value: unknown, path: string): Node {
  if (typeof value === "string") {
    const parts = scanTemplate(value, path);
    if (!parts) return { kind: "const", value };
    const slots = parts.filter((p) => typeof p !== "string");
    if (slots.length === 1 && parts.every((p) => typeof p !== "string" || p.trim() === "")) {
      return { kind: "whole", expr: slots[0]!.expr, path };
    }
    return { kind: "mixed", parts, path };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileNode(v, `${path}[${i}]`));
    return items.every((n) => n.kind === "const") ? { kind: "const", value } : { kind: "array", items };
  }
  if (isPlainObject(value)) {
    const entries = Object.keys(value).map((k) => [k, compileNode(value[k], path ? `${path}.${k}` : k)] as const);
    return entries.every(([, n]) => n.kind === "const") ? { kind: "const", value } : { kind: "object", entries };
  }
  return { kind: "const", value };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function renderNode(node: Node, scope: Record<string, unknown>, env: EvalEnv): unknown {
  switch (node.kind) {
    case "const":
      return node.value;
    case "whole": {
      const v = evalAt(node.expr, node.path, scope, env);
      return v === undefined ? "" : v;
    }
    case "mixed": {
      let out = "";
      for (const p of node.parts) out += typeof p === "string" ? p : toText(evalAt(p.expr, node.path, scope, env));
      return out;
    }
    case "array":
      return node.items.map((n) => renderNode(n, scope, env));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, n] of node.entries) {
        const v = renderNode(n, scope, env);
        // A literal "__proto__" key from YAML must stay a plain property, not set the prototype.
        if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    }
    default: {
      const never: never = node;
      throw new Error(`unhandled template node ${(never as Node).kind}`);
    }
  }
}

/** Evaluates one slot; warnings and errors say which config path the template sits at. */
function evalAt(expr: Expr, path: string, scope: Record<string, unknown>, env: EvalEnv): unknown {
  const warn = env.warn;
  const local: EvalEnv =
    warn && path ? { ...env, warn: (message, name) => warn(`${path}: ${message}`, name) } : env;
  try {
    return evaluate(expr, scope, local);
  } catch (e) {
    if (isMockForgeError(e) && path && e.details.path === undefined) e.details.path = path;
    throw e;
  }
}

function collect(node: Node, out: Set<string>): void {
  switch (node.kind) {
    case "const":
      return;
    case "whole":
      for (const p of node.expr.paths) out.add(p);
      return;
    case "mixed":
      for (const p of node.parts) if (typeof p !== "string") for (const r of p.expr.paths) out.add(r);
      return;
    case "array":
      for (const n of node.items) collect(n, out);
      return;
    case "object":
      for (const [, n] of node.entries) collect(n, out);
      return;
  }
}
