import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { createEventBus } from "../core/event-bus.js";
import { silentLogger } from "../core/logger.js";
import { createEventStreams } from "./event-stream.js";

/** A response that keeps what is written, as far as the stream uses one. */
function fakeResponse() {
  const chunks: string[] = [];
  const res = {
    writableLength: 0,
    writeHead: () => res,
    write: (c: string) => (chunks.push(c), true),
    end: () => undefined,
    destroy: () => undefined,
    on: () => res,
  };
  return { res: res as unknown as ServerResponse, text: () => chunks.join("") };
}

describe("max_rate", () => {
  it("keeps counting per second when the wall clock steps back (an NTP correction), on the monotonic clock", async () => {
    const clock = new ManualClock();
    let wall = clock.now();
    const bus = createEventBus({ now: () => wall, logger: silentLogger });
    const streams = createEventStreams({ bus, clock, logger: silentLogger });
    const answer = await streams.route.handler({ query: { max_rate: "5" } } as never);
    const { res, text } = fakeResponse();
    answer.stream!(res, { reveal: false });
    const serve = (n: number, tag: string) => {
      for (let i = 0; i < n; i++) bus.publish("request.served", { id: `req_${tag}${i}`, method: "GET", path: "/", status: 200, routeId: null, durationMs: 0, bodyBytes: 0, traceId: null });
    };
    serve(10, "a");
    await clock.advance(1000);
    wall -= 60_000; // the wall clock steps back a minute
    serve(10, "b");
    await clock.advance(1000);
    const served = [...text().matchAll(/"id":"(req_\w+)"/g)].map((m) => m[1]);
    expect(served).toEqual(["req_a0", "req_a1", "req_a2", "req_a3", "req_a4", "req_b0", "req_b1", "req_b2", "req_b3", "req_b4"]);
    expect([...text().matchAll(/"skipped":(\d+)/g)].map((m) => Number(m[1]))).toEqual([5, 5]);
    streams.closeAll();
  });
});
