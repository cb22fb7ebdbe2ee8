import { MockForgeError } from "../core/errors.js";
import { lookupFunction } from "./functions.js";
import { checkComputedKey, MISSING, missingNameError, readMember, readRoot } from "./lookup.js";
import { applyBinary, applySign } from "./operators.js";
import type { EvalEnv, Expr, ExprNode, Segment } from "./types.js";
import { truthy } from "./values.js";

interface Ctx {
  readonly scope: Record<string, unknown>;
  readonly env: EvalEnv;
  readonly source: string;
}

/**
 * Evaluates a parsed expression against a scope. Reads own data properties only, calls only
 * the function table, never returns a function. A missing root name is MFG_ERR_EXPR_MISSING_NAME
 * when `env.strict`, else `undefined` plus `env.warn`; a missing nested property is always
 * `undefined` plus `env.warn` (conditions legitimately test bodies that lack a field).
 *
 * @example
 * const e = parseExpression("body.total >= 100 AND lower(body.currency) == 'eur'");
 * evaluate(e, { body: { total: 120, currency: "EUR" } }, { clock, random }); // true
 */
export function evaluate(expr: Expr, scope: Record<string, unknown>, env: EvalEnv): unknown {
  return evalNode(expr.root, { scope, env, source: expr.source });
}

function evalNode(node: ExprNode, ctx: Ctx): unknown {
  switch (node.type) {
    case "Literal":
      return node.value;
    case "Name": {
      const root = readRoot(node.name, ctx.scope, ctx.env, ctx.source);
      if (root === MISSING) {
        const path = label(node.name, node.segments, []);
        if (ctx.env.strict) throw missingNameError(node.name, path, ctx.scope, ctx.source);
        ctx.env.warn?.(`'${path}' is missing: there is no name '${node.name}'`, path);
        return undefined;
      }
      return walk(root, node.name, node.segments, ctx);
    }
    case "Access":
      return walk(evalNode(node.object, ctx), "(value)", node.segments, ctx);
    case "Call": {
      const fn = lookupFunction(node.name);
      if (!fn) {
        // Unreachable for trees from parseExpression; kept so a hand-built tree cannot call anything else.
        throw new MockForgeError("MFG_ERR_EXPR_FORBIDDEN", `'${node.name}' is not a function expressions may call`);
      }
      return fn.call(node.args.map((a) => evalNode(a, ctx)), ctx.env);
    }
    case "Unary": {
      const v = evalNode(node.argument, ctx);
      return node.operator === "!" || node.operator === "NOT" ? !truthy(v) : applySign(node.operator, v);
    }
    case "Binary": {
      const op = node.operator;
      if (op === "AND" || op === "&&") return truthy(evalNode(node.left, ctx)) && truthy(evalNode(node.right, ctx));
      if (op === "OR" || op === "||") return truthy(evalNode(node.left, ctx)) || truthy(evalNode(node.right, ctx));
      return applyBinary(op, evalNode(node.left, ctx), evalNode(node.right, ctx));
    }
    case "Conditional":
      return truthy(evalNode(node.test, ctx)) ? evalNode(node.consequent, ctx) : evalNode(node.alternate, ctx);
    case "Array":
      return node.elements.map((e) => evalNode(e, ctx));
    default: {
      const never: never = node;
      throw new MockForgeError("MFG_ERR_EXPR_EVAL", `Unsupported expression node '${(never as ExprNode).type}'`);
    }
  }
}

/** Follows a member chain; the first missing step makes the whole chain `undefined` with one warning. */
function walk(value: unknown, rootLabel: string, segments: readonly Segment[], ctx: Ctx): unknown {
  if (segments.length === 0) return value;
  const keys: (string | number)[] = [];
  for (const s of segments) {
    let key: string | number | undefined;
    if ("key" in s) key = s.key;
    else {
      const k = evalNode(s.index, ctx);
      key = typeof k === "string" || typeof k === "number" ? k : checkComputedKey(k, label(rootLabel, segments, keys), ctx.source);
    }
    if (key === undefined) return missing(rootLabel, segments, keys, "its index is empty", ctx);
    if (value === null || value === undefined) {
      const why = `'${ownerLabel(rootLabel, segments, keys)}' is ${value === null ? "null" : "missing"}`;
      return missing(rootLabel, segments, keys, why, ctx);
    }
    const next = readMember(value, key, ctx.source);
    if (next === MISSING) {
      const why = `'${ownerLabel(rootLabel, segments, keys)}' has no '${key}'`;
      keys.push(key);
      return missing(rootLabel, segments, keys, why, ctx);
    }
    keys.push(key);
    value = next;
  }
  return value;
}

function missing(root: string, segments: readonly Segment[], keys: (string | number)[], why: string, ctx: Ctx): undefined {
  const path = label(root, segments, keys);
  ctx.env.warn?.(`'${path}' is missing: ${why}`, path);
  return undefined;
}

/** The path up to the step being read (the owner of the missing key). */
function ownerLabel(root: string, segments: readonly Segment[], keys: readonly (string | number)[]): string {
  return label(root, segments.slice(0, keys.length), keys);
}

/** `root.a.b[…]`: static keys and already-resolved computed keys by name, the rest as `[…]`. */
function label(root: string, segments: readonly Segment[], resolved: readonly (string | number)[]): string {
  let out = root;
  segments.forEach((s, i) => {
    const key = i < resolved.length ? resolved[i] : "key" in s ? s.key : undefined;
    out += key === undefined ? "[…]" : `.${key}`;
  });
  return out;
}
