/**
 * `console.log` argument formatting, close to Node's for what scripts log: strings as is,
 * objects and arrays as JSON, errors as `Name: message`, functions as `[Function: name]`.
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import type { VmJson } from "./vm-json.js";

export function formatLogArgs(ctx: QuickJSContext, json: VmJson, args: QuickJSHandle[]): string {
  return args.map((a) => formatArg(ctx, json, a)).join(" ");
}

function formatArg(ctx: QuickJSContext, json: VmJson, h: QuickJSHandle): string {
  switch (ctx.typeof(h)) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
      return ctx.getString(h);
    case "undefined":
      return "undefined";
    case "symbol":
      return String(ctx.getSymbol(h));
    case "function": {
      const name = stringProp(ctx, h, "name");
      return name ? `[Function: ${name}]` : "[Function (anonymous)]";
    }
    default:
      return formatObject(ctx, json, h);
  }
}

function formatObject(ctx: QuickJSContext, json: VmJson, h: QuickJSHandle): string {
  if (ctx.sameValue(h, ctx.null)) return "null";
  const message = stringProp(ctx, h, "message");
  if (message !== undefined && stringProp(ctx, h, "stack") !== undefined) {
    const code = stringProp(ctx, h, "code");
    return `${stringProp(ctx, h, "name") ?? "Error"}: ${message}${code ? ` [${code}]` : ""}`;
  }
  const r = json.stringify(h);
  if (r.ok) return r.text ?? "undefined";
  const err = ctx.dump(r.error) as { message?: unknown } | null;
  r.error.dispose();
  return `[not JSON: ${String(err?.message ?? err)}]`;
}

function stringProp(ctx: QuickJSContext, h: QuickJSHandle, key: string): string | undefined {
  const v = ctx.getProp(h, key);
  try {
    return ctx.typeof(v) === "string" ? ctx.getString(v) : undefined;
  } finally {
    v.dispose();
  }
}
