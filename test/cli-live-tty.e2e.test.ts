/**
 * Issue 15 item 12, on a real terminal: `scenario run` and `chain run` on a pseudo-terminal keep
 * a status line at the bottom, rewritten in place (`\r`, erase line) with the time spent, while
 * finished steps and links print as lines that stay; Ctrl-C erases it (nothing half-drawn),
 * prints the partial report in plain lines and exits 130. Piped output is covered beside the
 * other CLI runs (cli-honest.e2e.test.ts): one plain line per event, no status line.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasScriptPty, startCliInPty } from "./support/cli.js";
import { startDownCallbackApi, writeLongScenario } from "./support/cli-fixtures.js";

const ERASE = "\r\u001b[2K";
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const pty = hasScriptPty();
if (!pty) console.warn("SKIPPED live status line e2e: util-linux `script` is not installed (no pseudo-terminal)");

/** What a terminal shows at the end: the output after the last status erase holds no status frame. */
function nothingHalfDrawn(out: string): void {
  const tail = out.slice(out.lastIndexOf(ERASE) + ERASE.length);
  expect(tail).not.toMatch(SPINNER);
  expect(tail.startsWith("\r\n") || tail.startsWith("\n") || tail.startsWith("\u001b[2m") || tail === "").toBe(true);
}

describe.skipIf(!pty)("a live status line on a terminal", () => {
  it("scenario run: the running step in place, finished steps as lines; Ctrl-C erases it, prints the partial report, exits 130", async () => {
    const cfg = writeLongScenario();
    const run = startCliInPty(["scenario", "run", "--config", cfg, "long"]);
    // A redraw of the second step's status after it started: the line lives while the step waits.
    await run.waitFor(/scenario long: step second \(2\/2\)  \d+\.\d s\r\u001b\[2K. scenario long: step second \(2\/2\)/, 60_000);
    const before = run.output();
    expect(before).toMatch(/\u001b\[2mstep first: succeeded  GET http:\/\/127\.0\.0\.1:\d+\/ping → HTTP 200\u001b\[0m\r?\n/);
    run.type("\u0003");
    expect(await run.exited).toBe(130);
    const out = run.output();
    expect(out).toMatch(/interrupted: stopping the scenario/);
    // The report is plain (not dimmed) and complete.
    expect(out).toMatch(/\r?\nscenario long: stopped in \d+ ms/);
    expect(out).toMatch(/\r?\n {2}step first: succeeded/);
    expect(out).toMatch(/\r?\ninterrupted\r?\n/);
    nothingHalfDrawn(out);
  }, 90_000);

  describe("chain run", () => {
    // The payment API answers; its callback endpoint is down (503, retry after 1 s): the link waits on retries.
    let api: Awaited<ReturnType<typeof startDownCallbackApi>>;
    beforeAll(async () => {
      api = await startDownCallbackApi();
    });
    afterAll(() => api.close());

    it("shows the link waiting on a retry in place; Ctrl-C cancels the run, prints its table, exits 130", async () => {
      const chain = join(import.meta.dirname, "..", "examples", "chains", "payment.yaml");
      const run = startCliInPty(["chain", "run", chain, "--var", `base_url=${api.url}`]);
      await run.waitFor(/chain payment_with_callbacks: payment_gateway_callback \(1\/3 links done\)  \d+\.\d s\r\u001b\[2K. chain payment_with_callbacks: payment_gateway_callback/, 60_000);
      expect(run.output()).toMatch(/\u001b\[2m✓ initiate_payment succeeded HTTP 201/);
      // On a terminal a link's start is the status line, not a line of its own.
      expect(run.output()).not.toMatch(/→ payment_gateway_callback started/);
      run.type("\u0003");
      expect(await run.exited).toBe(130);
      const out = run.output();
      expect(out).toMatch(/interrupted: cancelling the run/);
      expect(out).toMatch(/\r?\nLINK +STATUS/);
      expect(out).toMatch(/payment_gateway_callback +failed/);
      expect(out).toMatch(/\r?\ninterrupted\r?\n/);
      nothingHalfDrawn(out);
    }, 90_000);
  });
});
