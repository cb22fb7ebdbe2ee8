/**
 * The `mockforge.*`, `console`, `crypto` and timer API as scripts see it (SPEC §6).
 */
import { createHash, createHmac } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { ScriptRuntime } from "./script-runtime.js";
import type { ScriptInput } from "./script-types.js";
import { recordingHttp } from "./test-support/recording-http.js";

const runtime = new ScriptRuntime({ clock: systemClock, poolSize: 1 });
afterAll(() => runtime.close());

const run = (code: string, extra: Partial<ScriptInput> = {}, http = recordingHttp().http) => runtime.run({ code, label: "test", ...extra }, http);

describe("mockforge.chain_context", () => {
  it("gets dotted and indexed paths, and undefined for missing ones", async () => {
    const r = await run(
      `return [mockforge.chain_context.get("order.id"), mockforge.chain_context.get("order.items[1].sku"),
        mockforge.chain_context.get("order.items.0.sku"), mockforge.chain_context.get("order.nope.deeper") === undefined,
        Object.keys(mockforge.chain_context.get())]`,
      { chainContext: { order: { id: "o1", items: [{ sku: "a" }, { sku: "b" }] } } },
    );
    expect(r.returnValue).toEqual(["o1", "b", "a", true, ["order"]]);
  });

  it("sets paths (creating objects), deletes with undefined, and works on copies", async () => {
    const r = await run(
      `const order = mockforge.chain_context.get("order");
       order.id = "changed-locally";
       const v = { n: 1 };
       mockforge.chain_context.set("webhook.result", v);
       v.n = 2;
       mockforge.chain_context.set("gone", undefined);
       mockforge.chain_context.set("count", 3);`,
      { chainContext: { order: { id: "o1" }, gone: true } },
    );
    expect(r.chainContext).toEqual({ order: { id: "o1" }, webhook: { result: { n: 1 } }, count: 3 });
  });

  it("refuses values that are not JSON and bad paths, at the script's line", async () => {
    const cyclic = await run(`const o = {};\no.self = o;\nmockforge.chain_context.set("x", o);`);
    expect(cyclic.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 3 });
    expect(cyclic.error!.message).toContain("circular");
    const badPath = await run(`mockforge.chain_context.set("a..b", 1)`);
    expect(badPath.error!.message).toContain('"a..b" is not a dotted path');
  });
});

describe("mockforge.variables, request, response, env", () => {
  it("keeps changes to variables and sees the request", async () => {
    const request = { method: "POST", path: "/api/orders", params: {}, query: { a: "1" }, headers: { "x-id": "7" }, body: { qty: 2 } };
    const r = await run(`mockforge.variables.seen = mockforge.request.body.qty * 2; delete mockforge.variables.old; return mockforge.request.headers["x-id"]`, {
      request,
      variables: { old: 1, kept: "k" },
    });
    expect(r.variables).toEqual({ kept: "k", seen: 4 });
    expect(r.returnValue).toBe("7");
  });

  it("returns the response as the script changed it", async () => {
    const r = await run(`mockforge.response.status = 202; mockforge.response.headers["X-Trace"] = 42; mockforge.response.body = { queued: true };`, {
      response: { status: 201, headers: { "content-type": "application/json" }, body: { id: 1 } },
    });
    expect(r.ok).toBe(true);
    expect(r.response).toEqual({ status: 202, headers: { "content-type": "application/json", "X-Trace": "42" }, body: { queued: true } });
  });

  it("refuses a response status that cannot be sent", async () => {
    const r = await run(`mockforge.response.status = 99`, { response: { status: 200, headers: {}, body: null } });
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME" });
    expect(r.error!.message).toContain("mockforge.response.status must be an integer from 100 to 599, got 99");
    expect(r.response).toEqual({ status: 200, headers: {}, body: null });
  });

  it("shows only the env it was given, read-only", async () => {
    const r = await run(`mockforge.env.SECRET = "x"; return [Object.keys(mockforge.env), mockforge.env.WEBHOOK_SECRET, mockforge.env.HOME]`, {
      env: { WEBHOOK_SECRET: "whsec" },
    });
    expect(r.returnValue).toEqual([["WEBHOOK_SECRET"], "whsec", null]);
  });
});

describe("mockforge.http", () => {
  it("passes method, url, headers, body and options to the host, and parses the response", async () => {
    const rec = recordingHttp((call) => ({ status: 201, headers: { "content-type": "application/json" }, body: { echo: call.body ?? null } }));
    const r = await run(
      `const a = await mockforge.http.get("http://127.0.0.1/a", { headers: { "X-N": 1 } });
       const b = await mockforge.http.put("http://127.0.0.1/b", "raw text", { timeout_ms: 500 });
       const c = await mockforge.http.patch("http://127.0.0.1/c", { p: 1 }, { retry: { max_attempts: 3 }, signing: { scheme: "standard-webhooks", secret: "whsec_x" } });
       await mockforge.http.delete("http://127.0.0.1/d");
       const e = await mockforge.http.request({ method: "post", url: "http://127.0.0.1/e", body: [1], headers: { a: "b" } });
       return [a.status, a.body.echo, b.body.echo, c.body.echo, e.body.echo];`,
      {},
      rec.http,
    );
    expect(r.error).toBeNull();
    expect(r.returnValue).toEqual([201, null, "raw text", { p: 1 }, [1]]);
    expect(rec.calls).toEqual([
      { method: "GET", url: "http://127.0.0.1/a", headers: { "X-N": "1" } },
      { method: "PUT", url: "http://127.0.0.1/b", body: "raw text", options: { timeout_ms: 500 } },
      {
        method: "PATCH",
        url: "http://127.0.0.1/c",
        body: { p: 1 },
        options: { retry: { max_attempts: 3 }, signing: { scheme: "standard-webhooks", secret: "whsec_x" } },
      },
      { method: "DELETE", url: "http://127.0.0.1/d" },
      { method: "POST", url: "http://127.0.0.1/e", headers: { a: "b" }, body: [1] },
    ]);
  });

  it("refuses unknown options and a missing url at the line of the call", async () => {
    const r = await run(`\nawait mockforge.http.post("http://127.0.0.1/x", {}, { retries: 3 })`);
    expect(r.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
    expect(r.error!.message).toContain("unknown option 'retries' (known: headers, retry, signing, timeout_ms)");
    const noUrl = await run(`await mockforge.http.get()`);
    expect(noUrl.error!.message).toContain("mockforge.http.get: the url must be a non-empty string");
  });

  it("rejects inside the script when the host gets no response; the error points at the call", async () => {
    const { http } = recordingHttp(() => {
      throw Object.assign(new Error("timed out after 100 ms"), { code: "MFG_ERR_DELIVERY_TIMEOUT" });
    });
    const caught = await run(`try { await mockforge.http.get("http://127.0.0.1/slow") } catch (e) { return [e.message, e.code, e instanceof Error] }`, {}, http);
    expect(caught.returnValue).toEqual(["timed out after 100 ms", "MFG_ERR_DELIVERY_TIMEOUT", true]);

    const uncaught = await run(`const x = 1;\n  await mockforge.http.get("http://127.0.0.1/slow");`, {}, http);
    expect(uncaught.error).toMatchObject({ code: "MFG_ERR_SCRIPT_RUNTIME", line: 2 });
    expect(uncaught.error!.message).toContain("timed out after 100 ms");
  });
});

describe("console, crypto, timers, language", () => {
  it("formats console arguments like Node for common values", async () => {
    const r = await run(`console.log("a", 1, true, null, undefined, { b: [1, "x"] }, function named() {});
      console.info(new TypeError("bad"));
      console.warn("w"); console.error("e"); console.debug("d");`);
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([
      ["log", 'a 1 true null undefined {"b":[1,"x"]} [Function: named]'],
      ["info", "TypeError: bad"],
      ["warn", "w"],
      ["error", "e"],
      ["log", "d"],
    ]);
    for (const l of r.logs) expect(typeof l.time).toBe("number");
  });

  it("hashes with sha256 and hmacSha256 (hex) and makes v4 UUIDs", async () => {
    const r = await run(`return [crypto.sha256("abc"), crypto.hmacSha256("key", "msg"), crypto.sha256({ a: 1 }), crypto.randomUUID()]`);
    const [sha, hmac, shaJson, uuid] = r.returnValue as string[];
    expect(sha).toBe(createHash("sha256").update("abc").digest("hex"));
    expect(hmac).toBe(createHmac("sha256", "key").update("msg").digest("hex"));
    expect(shaJson).toBe(createHash("sha256").update('{"a":1}').digest("hex"));
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("runs setTimeout callbacks (with arguments) and honours clearTimeout", async () => {
    const r = await run(`const order = [];
      const t = setTimeout(() => order.push("cleared"), 5);
      clearTimeout(t);
      setTimeout((a, b) => order.push(a + b), 10, "late", "!");
      await new Promise((resolve) => setTimeout(resolve, 1));
      order.push("first");
      await new Promise((resolve) => setTimeout(resolve, 30));
      return order;`);
    expect(r.returnValue).toEqual(["first", "late!"]);
  });

  it("has real Date and JSON, top-level await and return", async () => {
    const r = await run(`const d = new Date("2026-01-02T03:04:05.000Z");
      const v = await Promise.resolve(JSON.parse('{"n": 2}'));
      return [d.toISOString(), d.getTime(), v.n, typeof new Date().toISOString()];`);
    expect(r.returnValue).toEqual(["2026-01-02T03:04:05.000Z", Date.UTC(2026, 0, 2, 3, 4, 5), 2, "string"]);
  });

  it("gives every run a fresh context: globals set by one run are gone in the next", async () => {
    const first = await run(`globalThis.leaked = 1; Array.prototype.evil = () => 1; mockforge.chain_context.set("x", 1); return typeof leaked`);
    expect(first.returnValue).toBe("number");
    const second = await run(`return [typeof leaked, typeof [].evil, mockforge.chain_context.get("x") === undefined]`);
    expect(second.returnValue).toEqual(["undefined", "undefined", true]);
  });
});
