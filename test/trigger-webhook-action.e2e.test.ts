/**
 * Issue 18 part 4: a spec's OpenAPI 3.1 webhooks as hook and rule actions (`trigger_webhook`),
 * beside `mockforge trigger` and the admin endpoint. Real sockets; the example pet store spec.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/index.js";
import { runCli } from "./support/cli.js";
import { Receiver } from "./support/receiver.js";
import { call, startFromText } from "./support/start-app.js";

const SPEC = join(import.meta.dirname, "..", "examples", "openapi", "petstore-webhooks.yaml");

const config = (rx: string, event = "newPet") => `
openapi:
  - spec: ${JSON.stringify(SPEC)}
routes:
  - { path: /adopt, method: POST, response: { status: 201, body: { ok: true } } }
  - { path: /hooks/pets, method: POST, response: { status: 204 } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: announce
        condition: "path == '/adopt'"
        action: { type: trigger_webhook, event: ${event}, to: "${rx}/pets", example: cat }
chaos:
  scenarios:
    - name: adoption-day
      steps:
        - name: one
          post_hooks:
            - name: tell-subscribers
              actions:
                - { type: set_variable, name: pet, value: Rex }
                - type: trigger_webhook
                  event: newPet
                  to: /hooks/pets
                  body: { id: 7, name: "{{variables.pet}}", tag: dog }
`;

describe("trigger_webhook actions", () => {
  it("a rule sends the spec's webhook with its named example, as a queued delivery", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(config(rx.url));
    try {
      expect((await call(`${s.url}/adopt`, { body: { pet: "Tom" } })).status).toBe(201);
      const [hook] = await rx.waitFor((h) => h.path === "/pets");
      expect(hook!.body).toEqual({ id: 1, name: "Tom", tag: "cat" });
      expect(hook!.headers["webhook-id"]).toMatch(/^msg_/);
      const list = await call(`${s.url}/__mockforge/deliveries`);
      const d = (list.body as { sourceKind: string; sourceId: string; webhookId: string }[]).find((x) => x.sourceId === "webhook newPet");
      expect(d).toMatchObject({ sourceKind: "openapi", webhookId: hook!.headers["webhook-id"] });
    } finally {
      await s.close();
      await rx.stop();
    }
  });

  it("a scenario hook sends it with a templated body to a path of this server", async () => {
    const rx = await new Receiver().start();
    const s = await startFromText(config(rx.url));
    try {
      const run = await call(`${s.url}/__mockforge/scenarios/adoption-day/run?wait=true`, { method: "POST" });
      expect(run.status).toBe(200);
      // The hook queues the delivery; it reaches this server's /hooks/pets soon after the run.
      let got: unknown[] = [];
      for (let i = 0; i < 100 && got.length === 0; i++) {
        const entries = await call(`${s.url}/__mockforge/requests?path=/hooks/pets`);
        got = (entries.body as { body: unknown }[]).map((e) => e.body);
        if (got.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(got).toEqual([{ id: 7, name: "Rex", tag: "dog" }]);
    } finally {
      await s.close();
      await rx.stop();
    }
  });

  it("an event no loaded spec defines refuses the config at start, with the known names", async () => {
    const err = await startFromText(config("http://127.0.0.1:9", "newPat")).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const p = (err as ConfigError).problems[0]!;
    expect(p.code).toBe("MFG_ERR_OPENAPI_UNKNOWN_EVENT");
    expect(p.message).toContain("'newPat'");
    expect(p.hint).toContain("newPet");
  });

  it("mockforge validate checks the event against the config's specs, as serve does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mockforge-trigger-validate-"));
    try {
      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, config("http://127.0.0.1:9", "newPat"));
      const r = await runCli(["validate", bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/MFG_ERR_OPENAPI_UNKNOWN_EVENT/);
      expect(r.stderr).toMatch(/Did you mean 'newPet'\?/);
      const good = join(dir, "good.yaml");
      writeFileSync(good, config("http://127.0.0.1:9"));
      const ok = await runCli(["validate", good]);
      expect(`${ok.code} ${ok.stderr}`).toBe("0 ");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
