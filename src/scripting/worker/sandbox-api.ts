/**
 * Installs the script API in a fresh context: `mockforge` (chain_context, variables, request,
 * response, env, http), `console`, `crypto` and `setTimeout`/`clearTimeout`. Every function is
 * a host function: evaluating a JS prelude would cost a parse per run (~1.3 ms in this WASM
 * build, more than the rest of a run), host functions cost microseconds. Errors thrown here
 * reach the script as TypeErrors at the line that made the call.
 *
 * The chain context lives on the host side (`get`/`set` copy values in and out as JSON), so it
 * can be read back even when the sandbox ran out of memory.
 */
import { createHash, createHmac } from "node:crypto";
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";
import { systemRandom } from "../../core/random.js";
import type { ScriptHttpCall, ScriptLogLine } from "../script-types.js";
import type { SandboxStateText } from "../worker-protocol.js";
import { getAtPath, parseContextPath, setAtPath } from "./context-path.js";
import { formatLogArgs } from "./format-log-args.js";
import { httpCallFromArgs, httpCallFromRequest } from "./http-call-args.js";
import { VmJson } from "./vm-json.js";

export interface SandboxBindings {
  /** Keeps a console line (or counts it as dropped when the buffer is full). */
  log(level: ScriptLogLine["level"], text: string): void;
  /** True once no more lines are kept: later lines are counted without being formatted. */
  logFull(): boolean;
  /** Starts an outbound call; takes ownership of `site` (an Error made at the call's line). */
  http(call: ScriptHttpCall, site: QuickJSHandle): QuickJSHandle;
  /** Schedules `fn(...args)`; takes ownership of the handles. Returns the timer id. */
  setTimer(fn: QuickJSHandle, args: QuickJSHandle[], ms: number): number;
  clearTimer(id: number): void;
}

type HostFn = (...args: QuickJSHandle[]) => QuickJSHandle | undefined;

export class SandboxApi {
  readonly json: VmJson;
  private readonly mockforge: QuickJSHandle;
  private readonly errorCtor: QuickJSHandle;
  private readonly store: Record<string, unknown>;

  constructor(
    private readonly ctx: QuickJSContext,
    chainContextJson: string,
    /** JSON of `{ request, response, variables, env }`. */
    scopeJson: string,
    private readonly b: SandboxBindings,
  ) {
    this.json = new VmJson(ctx);
    this.store = JSON.parse(chainContextJson) as Record<string, unknown>;
    this.errorCtor = ctx.getProp(ctx.global, "Error");
    const objectCtor = ctx.getProp(ctx.global, "Object");
    const freeze = ctx.getProp(objectCtor, "freeze");
    objectCtor.dispose();
    const frozen = (h: QuickJSHandle) => ctx.callFunction(freeze, ctx.undefined, h).unwrap().dispose();

    const scope = this.json.parse(scopeJson);
    this.mockforge = ctx.newObject();
    for (const key of ["request", "response", "variables", "env"]) {
      const v = ctx.getProp(scope, key);
      if (key === "env") frozen(v);
      ctx.setProp(this.mockforge, key, v);
      v.dispose();
    }
    scope.dispose();
    this.setObject(this.mockforge, "chain_context", this.chainContextFns(), frozen);
    this.setObject(this.mockforge, "http", this.httpFns(), frozen);
    ctx.setProp(ctx.global, "mockforge", this.mockforge);
    this.setObject(ctx.global, "console", this.consoleFns(), frozen);
    this.setObject(ctx.global, "crypto", this.cryptoFns(), frozen);
    this.setFns(ctx.global, this.timerFns());
    freeze.dispose();
  }

  /** The state to hand back: the chain context always, the rest when it serialises. */
  collect(returned: QuickJSHandle | null): { state: SandboxStateText; problem: string | null } {
    let problem: string | null = null;
    const read = (key: "variables" | "response"): string | null => {
      const h = this.ctx.getProp(this.mockforge, key);
      const r = this.json.stringify(h);
      h.dispose();
      if (r.ok) return r.text ?? null;
      const e = this.ctx.dump(r.error) as { message?: unknown } | null;
      r.error.dispose();
      problem ??= `mockforge.${key} could not be read back as JSON: ${String(e?.message ?? e)}`;
      return null;
    };
    let returnValue: string | null = null;
    if (returned) {
      const r = this.json.stringify(returned);
      if (r.ok) returnValue = r.text ?? null;
      else r.error.dispose();
    }
    const state = { chainContext: JSON.stringify(this.store), variables: read("variables"), response: read("response"), returnValue };
    return { state, problem };
  }

  dispose(): void {
    this.json.dispose();
    this.errorCtor.dispose();
    this.mockforge.dispose();
  }

  private chainContextFns(): Record<string, HostFn> {
    return {
      get: (path) => {
        if (path === undefined || this.ctx.typeof(path) === "undefined") return this.json.fromHost(this.store);
        return this.json.fromHost(getAtPath(this.store, parseContextPath(this.value(path))));
      },
      set: (path, value) => {
        const parts = parseContextPath(path && this.value(path));
        setAtPath(this.store, parts, value && this.value(value));
        return undefined;
      },
    };
  }

  private httpFns(): Record<string, HostFn> {
    const noBody = (fn: string, method: string): HostFn => (url, o) => this.startHttp(fn, () => httpCallFromArgs(fn, method, this.value(url), undefined, this.value(o)));
    const withBody = (fn: string, method: string): HostFn => (url, body, o) =>
      this.startHttp(fn, () => httpCallFromArgs(fn, method, this.value(url), this.value(body), this.value(o)));
    return {
      get: noBody("get", "GET"),
      delete: noBody("delete", "DELETE"),
      post: withBody("post", "POST"),
      put: withBody("put", "PUT"),
      patch: withBody("patch", "PATCH"),
      request: (r) => this.startHttp("request", () => httpCallFromRequest(this.value(r))),
    };
  }

  private startHttp(fn: string, build: () => ScriptHttpCall): QuickJSHandle {
    const call = build();
    // Error() called here records the script's stack, so a failed call points at its line.
    const message = this.ctx.newString(`mockforge.http.${fn} ${call.url}`);
    const site = this.ctx.callFunction(this.errorCtor, this.ctx.undefined, message).unwrap();
    message.dispose();
    return this.b.http(call, site);
  }

  private consoleFns(): Record<string, HostFn> {
    const level = (lvl: ScriptLogLine["level"]): HostFn => (...args) => {
      this.b.log(lvl, this.b.logFull() ? "" : formatLogArgs(this.ctx, this.json, args));
      return undefined;
    };
    return { log: level("log"), info: level("info"), warn: level("warn"), error: level("error"), debug: level("log") };
  }

  private cryptoFns(): Record<string, HostFn> {
    return {
      sha256: (x) => this.ctx.newString(createHash("sha256").update(this.text(x, "crypto.sha256: the input")).digest("hex")),
      hmacSha256: (key, x) =>
        this.ctx.newString(createHmac("sha256", this.text(key, "crypto.hmacSha256: the key")).update(this.text(x, "crypto.hmacSha256: the input")).digest("hex")),
      randomUUID: () => this.ctx.newString(systemRandom.uuid()),
    };
  }

  private timerFns(): Record<string, HostFn> {
    return {
      setTimeout: (fn, ms, ...args) => {
        if (!fn || this.ctx.typeof(fn) !== "function") throw new TypeError("setTimeout needs a function");
        const delay = ms && this.ctx.typeof(ms) === "number" ? Math.max(0, this.ctx.getNumber(ms)) : 0;
        return this.ctx.newNumber(this.b.setTimer(fn.dup(), args.map((a) => a.dup()), delay));
      },
      clearTimeout: (id) => {
        if (id && this.ctx.typeof(id) === "number") this.b.clearTimer(this.ctx.getNumber(id));
        return undefined;
      },
    };
  }

  /** A sandbox value as a host JSON value (undefined for undefined/functions). */
  private value(h: QuickJSHandle | undefined): unknown {
    if (h === undefined) return undefined;
    const t = this.ctx.typeof(h);
    if (t === "undefined" || t === "function") return undefined;
    if (t === "string") return this.ctx.getString(h);
    const text = this.json.stringifyOrThrow(h);
    return text === undefined ? undefined : JSON.parse(text);
  }

  private text(h: QuickJSHandle | undefined, what: string): string {
    if (h && this.ctx.typeof(h) === "string") return this.ctx.getString(h);
    const text = h ? this.json.stringifyOrThrow(h) : undefined;
    if (text === undefined) throw new TypeError(`${what} must be a string or a JSON value`);
    return text;
  }

  private setObject(target: QuickJSHandle, name: string, fns: Record<string, HostFn>, frozen: (h: QuickJSHandle) => void): void {
    const obj = this.ctx.newObject();
    this.setFns(obj, fns);
    frozen(obj);
    this.ctx.setProp(target, name, obj);
    obj.dispose();
  }

  private setFns(target: QuickJSHandle, fns: Record<string, HostFn>): void {
    for (const [name, fn] of Object.entries(fns)) {
      const h = this.ctx.newFunction(name, fn);
      this.ctx.setProp(target, name, h);
      h.dispose();
    }
  }
}
