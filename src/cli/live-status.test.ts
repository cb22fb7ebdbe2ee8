import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { createLiveOutput, TICK_MS } from "./live-status.js";

const ERASE = "\r\u001b[2K";

/** A fake terminal: keeps what was written, and renders it as a screen would (`\r` + erase rewrite the last line). */
function fakeStream(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return {
    isTTY,
    ...(columns ? { columns } : {}),
    chunks,
    write(c: string) {
      chunks.push(c);
      return true;
    },
    /** The screen: finished lines, then the line being drawn (the status), with colours removed. */
    screen(): string[] {
      const lines = [""];
      for (const c of chunks.join("").replace(/\u001b\[[02]m/g, "").split(/(\r\u001b\[2K|\n)/)) {
        if (c === ERASE) lines[lines.length - 1] = "";
        else if (c === "\n") lines.push("");
        else lines[lines.length - 1] += c;
      }
      return lines;
    },
  };
}

/** Live output on a fake stream (see fakeStream), with a clock the test moves. */
function liveOn(isTTY: boolean, columns?: number) {
  const clock = new ManualClock();
  const out = fakeStream(isTTY, columns);
  return { clock, out, live: createLiveOutput(out, clock) };
}

describe("live output on a terminal", () => {
  it("keeps one status line at the bottom, rewritten in place with the time spent, under the lines that stay", async () => {
    const { clock, out, live } = liveOn(true);
    live.status("step first (1/2)");
    expect(out.screen()).toEqual([expect.stringMatching(/^. step first \(1\/2\)  0\.0 s$/)]);
    await clock.advance(1000);
    // Redrawn by its clock: the time moves while nothing else happens (a retry wait, a slow route).
    expect(out.screen()).toEqual([expect.stringMatching(/^. step first \(1\/2\)  1\.0 s$/)]);
    live.line("  step first: succeeded", "step second (2/2)");
    expect(out.screen()).toEqual(["step first: succeeded", expect.stringMatching(/^. step second \(2\/2\)  1\.0 s$/)]);
    live.line("hook h: fired");
    expect(out.screen()).toEqual(["step first: succeeded", "hook h: fired", expect.stringMatching(/^. step second \(2\/2\)/)]);
    expect(out.chunks.join("")).toContain("\u001b[2mhook h: fired\u001b[0m\n");
    live.stop();
    expect(out.screen()).toEqual(["step first: succeeded", "hook h: fired", ""]);
  });

  it("stop() leaves nothing drawn, stops its clock, and later status calls draw nothing (Ctrl-C, the report)", async () => {
    const { clock, out, live } = liveOn(true);
    live.status("running");
    live.stop();
    expect(clock.pending).toBe(0);
    const written = out.chunks.length;
    live.status("an event that arrives while stopping");
    await clock.advance(10 * TICK_MS);
    expect(out.chunks.length).toBe(written);
    live.line("report line");
    expect(out.screen()).toEqual(["report line", ""]);
    live.stop();
    expect(out.screen()).toEqual(["report line", ""]);
  });

  it("status(null) erases the line and its clock; a long status is cut to the terminal's width", async () => {
    const { clock, out, live } = liveOn(true, 20);
    live.status("waiting for what the run started, up to 30000 ms");
    const drawn = out.screen().at(-1)!;
    expect([...drawn]).toHaveLength(19);
    expect(drawn.endsWith("…")).toBe(true);
    live.status(null);
    expect(clock.pending).toBe(0);
    expect(out.screen()).toEqual([""]);
  });
});

describe("live output when piped", () => {
  it("writes each event as one plain line, with no status line, colours or carriage returns", async () => {
    const { clock, out, live } = liveOn(false);
    live.status("step first (1/2)");
    live.line("  step first: succeeded", "step second (2/2)");
    await clock.advance(1000);
    live.line("rule r: succeeded");
    live.stop();
    expect(out.chunks.join("")).toBe("step first: succeeded\nrule r: succeeded\n");
    expect(clock.pending).toBe(0);
  });
});
