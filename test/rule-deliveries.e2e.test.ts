/**
 * Issue 15: a rule's `trigger_webhook` action sends its event to every subscription, and its
 * run records every delivery it queued (`deliveryIds`), on each storage backend; a run recorded
 * before the list existed (only `deliveryId`) still reads as a list of one. `scenario run`
 * names all of them. Before, a run kept only the first id: the others could not be traced back
 * to the rule that sent them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, eventually, type TestDatabase } from "./support/cluster.js";
import { runCli } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";
import { call, startFromText, type TestServer } from "./support/start-app.js";

const SPEC = join(import.meta.dirname, "..", "examples", "openapi", "petstore-webhooks.yaml");
const CONFIG = `
openapi:
  - spec: ${JSON.stringify(SPEC)}
routes:
  - { path: /adopt, method: POST, response: { status: 201, body: { ok: true } } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: announce
        condition: "path == '/adopt'"
        action: { type: trigger_webhook, event: newPet, example: cat }
chaos:
  scenarios:
    - name: adoption
      steps:
        - name: adopt
          request: { method: POST, url: /adopt, body: { pet: Tom } }
`;

interface RuleRunView {
  id: string;
  status: string;
  deliveryId: string | null;
  deliveryIds: string[];
}

const pgUrl = process.env.MOCKFORGE_TEST_POSTGRES_URL;
let rx: Receiver;
let db: TestDatabase | undefined;
const stateDir = mkdtempSync(join(tmpdir(), "mockforge-rule-deliveries-"));

beforeAll(async () => {
  rx = await new Receiver().start();
  if (pgUrl) db = await createTestDatabase(pgUrl);
});
afterAll(async () => {
  await rx.stop();
  await db?.drop();
  rmSync(stateDir, { recursive: true, force: true });
});

const backends: [string, () => string][] = [
  ["memory", () => "memory"],
  ["sqlite", () => join(stateDir, "state.db")],
  ...(pgUrl ? [["postgres", () => db!.url] as [string, () => string]] : []),
];
if (!pgUrl) console.warn('SKIPPED rule deliveries on PostgreSQL: MOCKFORGE_TEST_POSTGRES_URL not set (run: eval "$(bash scripts/ci-postgres.sh)")');

async function subscribe(s: TestServer, path: string): Promise<void> {
  const r = await call(`${s.url}/__mockforge/openapi/subscriptions`, { body: { event: "newPet", url: `${rx.url}${path}` } });
  expect(r.status).toBe(201);
}

async function finishedRuns(s: TestServer): Promise<RuleRunView[]> {
  return eventually(
    "the rule run to finish",
    async () => {
      const runs = (await call(`${s.url}/__mockforge/rules/runs`)).body as RuleRunView[];
      return runs.length > 0 && runs.every((r) => r.status !== "running") ? runs : undefined;
    },
    10_000,
  );
}

describe.each(backends)("a rule's trigger_webhook run on %s storage", (_name, storage) => {
  it("records every delivery it queued, one per subscription", async () => {
    const s = await startFromText(CONFIG, { storage: storage() });
    try {
      await subscribe(s, "/a");
      await subscribe(s, "/b");
      expect((await call(`${s.url}/adopt`, { body: { pet: "Tom" } })).status).toBe(201);
      const [run] = await finishedRuns(s);
      const sent = ((await call(`${s.url}/__mockforge/deliveries`)).body as { id: string; sourceId: string }[]).filter((d) => d.sourceId === "webhook newPet");
      expect(sent).toHaveLength(2);
      expect(run!.status).toBe("succeeded");
      expect([...run!.deliveryIds].sort()).toEqual(sent.map((d) => d.id).sort());
      expect(run!.deliveryId).toBe(run!.deliveryIds[0]);
      // A run stored by an older version carries only `deliveryId`: it reads as a list of one.
      await s.app.services.storage.runs.put({ id: "run_old", kind: "rule", refId: "announce", status: "succeeded", startedAt: 1, finishedAt: 2, data: { id: "run_old", rule: "announce", status: "succeeded", deliveryId: "dlv_old" } });
      const runs = (await call(`${s.url}/__mockforge/rules/runs`)).body as RuleRunView[];
      expect(runs.find((r) => r.id === "run_old")).toMatchObject({ deliveryId: "dlv_old", deliveryIds: ["dlv_old"] });
    } finally {
      await s.close();
    }
  });
});

describe("mockforge scenario run --url", () => {
  it("names every delivery of a rule run", async () => {
    const s = await startFromText(CONFIG);
    try {
      await subscribe(s, "/a");
      await subscribe(s, "/b");
      const r = await runCli(["scenario", "run", "adoption", "--url", s.url], { timeoutMs: 30_000 });
      const ids = ((await call(`${s.url}/__mockforge/deliveries`)).body as { id: string; sourceId: string }[]).filter((d) => d.sourceId === "webhook newPet").map((d) => d.id);
      expect(ids).toHaveLength(2);
      expect(r.stdout).toMatch(new RegExp(`rule announce: succeeded  deliveries (${ids[0]}|${ids[1]}), (${ids[0]}|${ids[1]})`));
      expect(r.code).toBe(0);
    } finally {
      await s.close();
    }
  }, 40_000);
});
