import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, ratio, type LoadResult } from "../lib/load.js";
import { freePort, startChild, startMockForge } from "../lib/processes.js";
import { median } from "./bench-stats.js";

const ROUNDS = 5;

/**
 * Issue 18: (1) a spec of 1,000 operations loads and serves in under 2 s (spawn to the first
 * answer of its last operation, next to the same for an empty config); (2) a spec route costs
 * what a YAML route costs on the static bench (ratio >= 0.95, same run, alternating rounds);
 * (3) request validation `warn` costs at most 15% on the templated echo route (ratio >= 0.85).
 * Journal on (SQLite) for every server, as in the static section.
 */
export async function openapiSection(tmp: string, seconds: number): Promise<Record<string, unknown>> {
  return {
    load_1000_operations: await loadThousand(tmp),
    spec_vs_yaml_static: await pairRounds(["bench/configs/static.yaml", "bench/configs/openapi-static.yaml"], "/static", seconds, tmp, 0.95, null),
    validation_warn_echo: await pairRounds(
      ["bench/configs/openapi-echo-off.yaml", "bench/configs/openapi-echo-warn.yaml"],
      "/echo",
      seconds,
      tmp,
      0.85,
      JSON.stringify({ order: { id: "ord_1", items: [{ sku: "a", qty: 2 }] } }),
    ),
  };
}

async function loadThousand(tmp: string): Promise<Record<string, unknown>> {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 1000; i++) {
    paths[`/items${i}/{id}`] = {
      get: {
        operationId: `getItem${i}`,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } } } },
      },
    };
  }
  const spec = join(tmp, "thousand.json");
  writeFileSync(spec, JSON.stringify({ openapi: "3.1.0", info: { title: "1000", version: "1" }, paths, components: { schemas: { Item: { type: "object", properties: { id: { type: "string" }, n: { type: "integer" } } } } } }));
  const empty = join(tmp, "empty.yaml");
  writeFileSync(empty, "routes:\n  - { path: /items999/x, method: GET }\n");
  const timeToAnswer = async (args: string[]) => {
    const port = await freePort();
    const t0 = performance.now();
    const child = await startChild(process.execPath, ["bin/mockforge.js", "serve", ...args, "--port", String(port), "--state", join(tmp, `t${port}.db`)], /MockForge serving/, { MOCKFORGE_LOG_LEVEL: "info" }, 60_000);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/items999/x`);
      await res.text();
      return { ms: Math.round(performance.now() - t0), status: res.status };
    } finally {
      await child.stop();
    }
  };
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push({ spec: await timeToAnswer(["--openapi", spec]), empty_config: await timeToAnswer(["--config", empty]) });
  const specMs = median(runs.map((r) => r.spec.ms))!;
  return { spec_ms_median: specMs, empty_config_ms_median: median(runs.map((r) => r.empty_config.ms)), target: "< 2000 ms", met: specMs < 2000 && runs.every((r) => r.spec.status === 200), runs };
}

async function pairRounds(configs: [string, string], path: string, seconds: number, tmp: string, target: number, body: string | null): Promise<Record<string, unknown>> {
  const a = await startMockForge(configs[0], join(tmp, `${path.slice(1)}-a.db`));
  const b = await startMockForge(configs[1], join(tmp, `${path.slice(1)}-b.db`));
  const opts = body === null ? { connections: 50, seconds } : { connections: 50, seconds, method: "POST", body, headers: { "content-type": "application/json" } };
  try {
    await load(`${a.url}${path}`, { ...opts, seconds: 1 });
    await load(`${b.url}${path}`, { ...opts, seconds: 1 });
    const rounds: [LoadResult, LoadResult][] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const first = i % 2 === 0 ? a : b;
      const r1 = await load(`${first.url}${path}`, opts);
      const r2 = await load(`${(first === a ? b : a).url}${path}`, opts);
      rounds.push(first === a ? [r1, r2] : [r2, r1]);
    }
    const m = median(rounds.map(([x, y]) => y.rps / x.rps))!;
    return {
      baseline: configs[0],
      measured: configs[1],
      ratio_median: ratio(m, 1),
      target: `>= ${target}`,
      met: m >= target,
      rounds: rounds.map(([x, y]) => ({ baseline_rps: Math.round(x.rps), measured_rps: Math.round(y.rps), ratio: ratio(y.rps, x.rps) })),
      errors: rounds.reduce((n, [x, y]) => n + x.errors + x.non2xx + y.errors + y.non2xx, 0),
    };
  } finally {
    await a.stop();
    await b.stop();
  }
}
