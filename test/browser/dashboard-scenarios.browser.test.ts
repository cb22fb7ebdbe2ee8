/** The Scenarios & rules view: run and stop a scenario with live step progress, switch its faults. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CHROMIUM, openBrowser, type Browser } from "../support/browser.js";
import { call, startFromText, type TestServer } from "../support/start-app.js";

const config = `
routes:
  - { path: /api/orders, method: POST, response: { status: 201, body: { id: ord_1 } } }
  - { path: /hooks/confirm, method: POST, response: { status: 204 } }
intelligent_behavior:
  behavior_model:
    consistency_rules:
      - name: confirm_orders
        condition: "path == '/api/orders' AND status == 201"
        action:
          type: http_request
          url: "{{base_url}}/hooks/confirm"
          body: { order: "{{response.body.id}}" }
chaos:
  scenarios:
    - name: load_test
      steps:
        - name: warm
          request: { method: POST, url: /api/orders, body: {} }
        - name: slow
          chaos_config: { errors: { status_codes: [503] }, routes: ["POST /api/orders"] }
          duration_ms: 60000
`;

describe.skipIf(!HAVE_CHROMIUM)("the scenarios view", { timeout: 120_000 }, () => {
  let s: TestServer;
  let b: Browser;
  beforeAll(async () => {
    s = await startFromText(config);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  it("runs a scenario with its steps shown as they go, switches its faults off, and stops it", async () => {
    const { page } = b;
    await page.goto(`${s.url}/__mockforge/ui#/scenarios`);
    await page.getByRole("button", { name: "Run load_test" }).click();
    const progress = page.getByLabel("Scenario progress");
    // A step shows once it has finished (the report is saved after each step).
    await progress.getByRole("listitem").filter({ hasText: "warm" }).getByText("succeeded").waitFor();
    const sw = page.getByRole("switch", { name: "Faults from scenario:load_test" });
    await expect.poll(() => sw.isChecked(), { timeout: 10_000 }).toBe(true);
    expect((await call(`${s.url}/api/orders`, { body: {} })).status).toBe(503);
    await b.shot("scenario-running");
    await sw.click();
    await expect.poll(() => sw.isChecked()).toBe(false);
    // Off for real: the injected 503 is gone while the step still runs.
    expect((await call(`${s.url}/api/orders`, { body: {} })).status).toBe(201);
    await page.getByRole("button", { name: "Stop load_test" }).click();
    await progress.getByRole("listitem").filter({ hasText: "slow" }).getByText("stopped").waitFor();
    await page.getByRole("button", { name: "Run load_test" }).waitFor();
    await b.shot("scenario-stopped");
    expect(b.errors).toEqual([]);
  });

  it("lists a rule's recent runs with a link to each delivery its action queued", async () => {
    const { page } = b;
    await page.goto(`${s.url}/__mockforge/ui#/scenarios`);
    const runs = page.getByRole("table", { name: "Recent rule runs" });
    const before = await runs.getByRole("link").count();
    expect((await call(`${s.url}/api/orders`, { body: {} })).status).toBe(201);
    // The panel reloads on the rule.run event, without a page reload.
    await expect.poll(() => runs.getByRole("link", { name: /^dlv_/ }).count(), { timeout: 10_000 }).toBeGreaterThan(before);
    const first = runs.getByRole("link", { name: /^dlv_/ }).first();
    const id = await first.textContent();
    await first.click();
    await page.getByText(id!).first().waitFor();
    expect(page.url()).toContain(`#/deliveries/${id}`);
    await b.shot("rule-run-delivery");
    expect(b.errors).toEqual([]);
  });
});
