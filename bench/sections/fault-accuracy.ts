import { writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { systemClock } from "../../src/core/clock.js";
import { systemRandom } from "../../src/core/random.js";
import { createFaultController } from "../../src/scenarios/index.js";
import { startMockForge } from "../lib/processes.js";
import { round } from "./bench-stats.js";

const P = 0.3;
const REQUESTS = 10_000;
/** "±2 %" read as ±2 percentage points (0.28–0.32): about 4.4 σ for 10,000 draws at p = 0.3. */
const TOLERANCE = 0.02;

/** In-process: the fault controller's own draws, and what one `decide` costs. */
function controllerAccuracy(draws: number): { fraction: number; us_per_decide: number } {
  const faults = createFaultController({ random: systemRandom, clock: systemClock });
  faults.setForRoute("GET /flaky", { errors: { status_codes: [503], probability: P } });
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < draws; i++) if (faults.decide("GET", "/flaky", "GET /flaky")?.errorStatus === 503) hits++;
  return { fraction: hits / draws, us_per_decide: ((performance.now() - t0) * 1000) / draws };
}

/**
 * Issue 6, faults. A MockForge child process whose route has
 * `chaos_config: { errors: { status_codes: [503], probability: 0.3 } }`; autocannon sends exactly
 * 10,000 requests over 10 connections and counts the statuses. Also the fault controller
 * in-process over 1,000,000 decisions (its randomness alone, without HTTP).
 */
export async function faultAccuracy(tmp: string, _seconds: number): Promise<Record<string, unknown>> {
  const inProcess = controllerAccuracy(1_000_000);
  const cfg = join(tmp, "faults.yaml");
  writeFileSync(
    cfg,
    `routes:
  - path: /flaky
    method: GET
    response: { status: 200, body: { ok: true } }
    chaos_config: { errors: { status_codes: [503], probability: ${P} } }
`,
  );
  const mf = await startMockForge(cfg, join(tmp, "faults.db"));
  try {
    const r = await autocannon({ url: `${mf.url}/flaky`, connections: 10, amount: REQUESTS });
    const counts: Record<string, number> = {};
    for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) counts[code] = (s as { count: number }).count;
    const answered = Object.values(counts).reduce((a, b) => a + b, 0);
    const fraction = (counts["503"] ?? 0) / Math.max(1, answered);
    const sigma = Math.sqrt((P * (1 - P)) / Math.max(1, answered));
    const other = answered - (counts["503"] ?? 0) - (counts["200"] ?? 0);
    return {
      method: `MockForge child process, route chaos_config errors [503] probability ${P}; autocannon amount ${REQUESTS}, 10 connections`,
      requests_answered: answered,
      transport_errors: r.errors + r.timeouts,
      status_counts: counts,
      other_statuses: other,
      observed_503_fraction: round(fraction, 4),
      expected: P,
      deviation: round(fraction - P, 4),
      deviation_in_sigma: round((fraction - P) / sigma, 2),
      target: `|observed - ${P}| <= ${TOLERANCE} (±2 percentage points)`,
      met: answered === REQUESTS && other === 0 && Math.abs(fraction - P) <= TOLERANCE,
      rps: Math.round(r.requests.average),
      in_process_fault_controller: {
        decisions: 1_000_000,
        fraction: round(inProcess.fraction, 4),
        us_per_decide: round(inProcess.us_per_decide, 3),
      },
    };
  } finally {
    await mf.stop();
  }
}
