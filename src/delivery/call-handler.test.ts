/**
 * The dispatch handler's own paths (call-handler.ts), on raw sockets so the answer is exactly
 * what the test writes: repeated headers, a 1xx before the answer, a chunked body over the cap,
 * a URL that does not parse, a caller that aborted before the call.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../core/clock.js";
import { createHttpClient, type HttpClient } from "./http-client.js";

const opts = { timeoutMs: 2_000, connectTimeoutMs: 1_000 };
const req = (url: string) => ({ method: "POST", url, headers: {}, body: "{}" });
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A server that answers each request's head with `answer(socket)`; its URL. */
async function rawServer(answer: (s: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    let head = "";
    s.on("error", () => undefined);
    s.on("data", (d) => {
      if (head.includes("\r\n\r\n")) return;
      head += d.toString("latin1");
      if (head.includes("\r\n\r\n")) answer(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

function client(maxResponseBytes?: number): HttpClient {
  const c = createHttpClient({ clock: systemClock, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
  cleanups.push(() => c.close());
  return c;
}

describe("the outbound call's handler", () => {
  it("returns repeated response headers as arrays, the others as text", async () => {
    const url = await rawServer((s) => s.end("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-One: 1\r\nContent-Length: 2\r\n\r\nok"));
    const r = await client().send(req(url), opts);
    expect(r.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(r.headers["x-one"]).toBe("1");
    expect(r.body).toBe("ok");
  });

  it("skips a 1xx answer and returns the final one", async () => {
    const url = await rawServer((s) => s.end("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nX-Final: y\r\nContent-Length: 2\r\n\r\nok"));
    const r = await client().send(req(url), opts);
    expect(r).toMatchObject({ status: 201, body: "ok", truncated: false });
    expect(r.headers["x-final"]).toBe("y");
    expect(r.headers.link).toBeUndefined();
  });

  it("cuts a chunked body at the cap and settles once; a body of exactly the cap is whole", async () => {
    const chunked = await rawServer((s) => {
      s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (let i = 0; i < 10; i++) s.write("a\r\n0123456789\r\n");
      s.end("0\r\n\r\n");
    });
    const r = await client(25).send(req(chunked), opts);
    expect(r).toMatchObject({ status: 200, truncated: true, body: "0123456789012345678901234" });
    const exact = await rawServer((s) => s.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"));
    expect(await client(10).send(req(exact), opts)).toMatchObject({ truncated: false, body: "0123456789" });
  });

  it("refuses a URL that does not parse as MFG_ERR_BAD_REQUEST, sending nothing", async () => {
    await expect(client().send(req("http://exa mple/x"), opts)).rejects.toMatchObject({ code: "MFG_ERR_BAD_REQUEST" });
  });

  it("rejects at once, sending nothing, when the caller's signal aborted before the call", async () => {
    let heads = 0;
    const url = await rawServer((s) => {
      heads++;
      s.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    const ac = new AbortController();
    ac.abort();
    await expect(client().send(req(url), { ...opts, signal: ac.signal })).rejects.toMatchObject({ code: "MFG_ERR_DELIVERY_ABORTED" });
    await new Promise((r) => setTimeout(r, 50));
    expect(heads).toBe(0);
  });
});
