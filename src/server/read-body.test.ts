import { PassThrough } from "node:stream";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { readBody, type BodyResult } from "./read-body.js";

/** A request stream with the headers readBody looks at. */
function request(headers: Record<string, string>): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

function read(req: IncomingMessage, limit: number): Promise<BodyResult[]> {
  const calls: BodyResult[] = [];
  readBody(req, limit, (r) => calls.push(r));
  return new Promise((resolve) => setTimeout(() => resolve(calls), 20));
}

describe("readBody", () => {
  it("answers at once for a request without a body", async () => {
    const calls = await read(request({}), 10);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body.length).toBe(0);
  });

  it("collects the chunks", async () => {
    const req = request({ "transfer-encoding": "chunked" });
    const done = read(req, 100);
    req.write("ab");
    req.end("cd");
    const calls = await done;
    expect(calls.map((c) => c.body.toString())).toEqual(["abcd"]);
  });

  it("stops buffering past the limit and reports tooLarge", async () => {
    const req = request({ "transfer-encoding": "chunked" });
    const done = read(req, 3);
    req.end("abcdef");
    const [r] = await done;
    expect(r).toMatchObject({ tooLarge: true, error: null });
    expect(r!.body.length).toBe(0);
  });

  it("answers once when the stream errors after its end", async () => {
    const req = request({ "transfer-encoding": "chunked" });
    const done = read(req, 100);
    req.end("ab");
    await new Promise((r) => setImmediate(r));
    req.emit("error", new Error("reset"));
    const calls = await done;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.error).toBeNull();
  });
});
