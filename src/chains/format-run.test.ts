import { describe, expect, it } from "vitest";
import type { ChainRun, LinkRun } from "./chain-run.js";
import { formatChainEvent, formatDuration, formatRunTable } from "./format-run.js";

function link(over: Partial<LinkRun>): LinkRun {
  return {
    id: "l",
    name: "l",
    status: "succeeded",
    reason: null,
    startedAt: 0,
    durationMs: 12,
    attempts: 1,
    request: null,
    response: { status: 201, headers: {}, body: null },
    extracted: {},
    deliveryId: "dlv_1",
    scriptLogs: [],
    warnings: [],
    error: null,
    ...over,
  };
}

const run: ChainRun = {
  id: "run_1",
  chainId: "payment_with_callbacks",
  chainName: "Payment",
  status: "partial",
  startedAt: 0,
  finishedAt: 1500,
  durationMs: 1500,
  traceId: "trc_1",
  variables: {},
  warnings: [],
  error: null,
  links: [
    link({ id: "initiate_payment" }),
    link({ id: "callback", status: "failed", reason: "request_error", attempts: 3, response: null, durationMs: 1400, error: { code: "ECONNREFUSED", message: "connect refused" } }),
    link({ id: "email", status: "skipped", reason: "dependency_failed", attempts: 0, response: null, durationMs: null }),
  ],
};

describe("formatRunTable", () => {
  it("lays out one aligned row per link and a summary", () => {
    const lines = formatRunTable(run).split("\n");
    expect(lines[0]).toBe("LINK              STATUS     HTTP  ATTEMPTS  DURATION  NOTE");
    expect(lines[1]).toBe("initiate_payment  succeeded  201   1         12 ms");
    expect(lines[2]).toBe("callback          failed     -     3         1.4 s     request_error: connect refused");
    expect(lines[3]).toBe("email             skipped    -     0         -         dependency_failed");
    expect(lines[5]).toBe("payment_with_callbacks: partial (3 links: 1 succeeded, 1 failed, 1 skipped) in 1.5 s");
  });
});

describe("formatChainEvent", () => {
  it("formats each kind of event on one line", () => {
    expect(formatChainEvent({ type: "run_started", run })).toBe("▶ chain payment_with_callbacks (3 links) run run_1");
    expect(formatChainEvent({ type: "link_started", runId: "run_1", chainId: "c", linkId: "initiate_payment", at: 0 })).toBe("→ initiate_payment started");
    expect(formatChainEvent({ type: "link_finished", runId: "run_1", chainId: "c", link: run.links[0]! })).toBe("✓ initiate_payment succeeded HTTP 201 in 12 ms");
    expect(formatChainEvent({ type: "link_finished", runId: "run_1", chainId: "c", link: run.links[2]! })).toBe("○ email skipped in - (dependency_failed)");
    expect(formatChainEvent({ type: "run_finished", run })).toBe("■ chain payment_with_callbacks partial in 1.5 s");
  });

  it("formats durations", () => {
    expect(formatDuration(null)).toBe("-");
    expect(formatDuration(999.6)).toBe("1000 ms");
    expect(formatDuration(2500)).toBe("2.5 s");
  });
});
