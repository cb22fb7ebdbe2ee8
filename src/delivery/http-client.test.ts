import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "../core/clock.js";
import { isMockForgeError, type MockForgeError } from "../core/errors.js";
import { createHttpClient } from "./http-client.js";
import { answer } from "./test-support/receiver.js";
import { perTest } from "./test-support/per-test.js";

const kit = perTest();

const opts = { timeoutMs: 5_000, connectTimeoutMs: 2_000 };
const req = (url: string, over: Partial<{ method: string; headers: Record<string, string>; body: string | null }> = {}) => ({
  method: "POST",
  url,
  headers: { "content-type": "application/json" },
  body: "{}",
  ...over,
});

async function failure(p: Promise<unknown>): Promise<MockForgeError> {
  try {
    await p;
  } catch (e) {
    if (isMockForgeError(e)) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("http client (real sockets)", () => {
  it("sends method, headers and body; returns status, headers and text", async () => {
    const receiver = await kit.receiver(answer(201, '{"ok":true}', { "x-reply": "yes" }));
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const res = await client.send(req(`${receiver.url}/hooks?a=1`, { headers: { "x-one": "1", "Content-Length": "999" } }), opts);
    expect(res).toMatchObject({ status: 201, body: '{"ok":true}', truncated: false });
    expect(res.headers["x-reply"]).toBe("yes");
    const got = receiver.received[0]!;
    expect(got).toMatchObject({ method: "POST", url: "/hooks?a=1", body: "{}" });
    expect(got.headers["x-one"]).toBe("1");
    // A templated Content-Length never reaches the wire; undici frames the message itself.
    expect(got.headers["content-length"]).toBe("2");
  });

  it("reuses a keep-alive connection for calls to the same origin", async () => {
    const ports = new Set<number>();
    const receiver = await kit.receiver((_r, res, raw) => {
      ports.add(raw.socket.remotePort!);
      res.end("ok");
    });
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    for (let i = 0; i < 20; i++) await client.send(req(receiver.url), opts);
    // Sequential calls: the socket goes back to the pool a tick after the body ends, so a
    // second one may open once; never one per call.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("maps a refused connection to MFG_ERR_DELIVERY_CONNECT", async () => {
    const receiver = await kit.receiver();
    const url = receiver.url;
    await receiver.close();
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const e = await failure(client.send(req(url), opts));
    expect(e.code).toBe("MFG_ERR_DELIVERY_CONNECT");
    // The attempt's message; its caller names the method and URL (issue 15 item 17: it said the URL twice).
    expect(e.message).toBe("connection refused (ECONNREFUSED)");
  });

  it("maps a DNS failure to MFG_ERR_DELIVERY_CONNECT naming the host", async () => {
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const e = await failure(client.send(req("http://no-such-host.invalid/hook"), opts));
    expect(e.code).toBe("MFG_ERR_DELIVERY_CONNECT");
    expect(e.message).toMatch(/no-such-host\.invalid' could not be resolved/);
  });

  it("maps a connection reset mid-response to MFG_ERR_DELIVERY_CONNECT", async () => {
    const receiver = await kit.receiver((_r, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write("partial", () => res.socket?.destroy());
    });
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const e = await failure(client.send(req(receiver.url), opts));
    expect(e.code).toBe("MFG_ERR_DELIVERY_CONNECT");
    expect(e.message).toMatch(/lost while reading the response/);
  });

  it("times out on the injected clock when the receiver never answers", async () => {
    const receiver = await kit.receiver(() => {});
    const clock = new ManualClock();
    const client = kit.closes(createHttpClient({ clock }));
    const p = failure(client.send(req(receiver.url), { timeoutMs: 250, connectTimeoutMs: 1000 }));
    await receiver.waitForCount(1);
    await clock.advance(250);
    const e = await p;
    expect(e.code).toBe("MFG_ERR_DELIVERY_TIMEOUT");
    expect(e.message).toMatch(/within 250 ms/);
  });

  it("cuts the recorded body at the cap", async () => {
    const receiver = await kit.receiver((_r, res) => res.end("x".repeat(5000)));
    const client = kit.closes(createHttpClient({ clock: systemClock, maxResponseBytes: 1000 }));
    const res = await client.send(req(receiver.url), opts);
    expect(res.body).toHaveLength(1000);
    expect(res.truncated).toBe(true);
  });

  it("cancels through the caller's signal", async () => {
    const receiver = await kit.receiver(() => {});
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const ac = new AbortController();
    const p = failure(client.send(req(receiver.url), { ...opts, signal: ac.signal }));
    await receiver.waitForCount(1);
    ac.abort();
    expect((await p).code).toBe("MFG_ERR_DELIVERY_ABORTED");
  });

  it("reports a header value undici refuses as MFG_ERR_BAD_REQUEST", async () => {
    const receiver = await kit.receiver();
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    const e = await failure(client.send(req(receiver.url, { headers: { "x-bad": "a\nb" } }), opts));
    expect(e.code).toBe("MFG_ERR_BAD_REQUEST");
  });

  it("refuses calls after close", async () => {
    const client = kit.closes(createHttpClient({ clock: systemClock }));
    await client.close();
    expect((await failure(client.send(req("http://127.0.0.1:9/"), opts))).code).toBe("MFG_ERR_DELIVERY_STOPPED");
  });
});
