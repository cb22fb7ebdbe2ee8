/**
 * The page with a large journal and an admin token: it loads the first page only (the server
 * never sends the whole journal), asks for the token once, keeps it in sessionStorage and sends
 * it in a header, never in a URL.
 */
import { cpus, loadavg } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/storage/ports.js";
import { HAVE_CHROMIUM, openBrowser, type Browser } from "../support/browser.js";
import { startFromText, type TestServer } from "../support/start-app.js";

const TOKEN = "dash-token-123";

describe.skipIf(!HAVE_CHROMIUM)("the dashboard with 10,000 journal entries and a token", { timeout: 120_000 }, () => {
  let s: TestServer;
  let b: Browser;
  beforeAll(async () => {
    s = await startFromText(`http: { admin_token: ${TOKEN} }\njournal: { max_entries: 20000 }\nroutes:\n  - { path: /api/items/:id, method: GET, response: { status: 200 } }\n`);
    const journal = s.app.services.storage.journal;
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 10_000; i++) {
      const body = JSON.stringify({ i, note: "x".repeat(200) });
      const e: JournalEntry = { id: `req_${(t0 + i).toString(16).padStart(12, "0")}${i.toString(16).padStart(8, "0")}`, time: t0 + i, method: "POST", path: `/api/items/${i}`, url: `/api/items/${i}`, query: {}, params: { id: String(i) }, headers: { "content-type": "application/json", "user-agent": "seed" }, rawBody: body, rawBodyEncoding: "utf8", body: JSON.parse(body), routeId: null, status: 404, durationMs: 0.2, notes: [], traceId: null };
      journal.append(e);
    }
    expect(await journal.count()).toBe(10_000);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  it("asks for the token once, sends it as a header only, and loads one page of the journal fast", async () => {
    const { page } = b;
    const urls: string[] = [];
    let apiBytes = 0;
    page.on("request", (r) => urls.push(r.url()));
    page.on("response", async (r) => {
      if (r.url().includes("/__mockforge/requests")) apiBytes += (await r.body().catch(() => Buffer.alloc(0))).length;
    });
    await page.goto(`${s.url}/__mockforge/ui`);
    await page.getByRole("textbox", { name: "Admin token" }).fill(TOKEN);
    await page.getByRole("button", { name: "Use token" }).click();
    const feed = page.getByRole("table", { name: "Feed" });
    await feed.getByRole("link", { name: "/api/items/9999" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("mockforge.token"))).toBe(TOKEN);
    // Reload: the token is remembered for the tab, and the page is timed warm (as a user reopening it).
    // Timed inside the page: from the start of navigation to the first page of rows on screen.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await feed.getByRole("link", { name: "/api/items/9999" }).waitFor();
      times.push(Math.round(await page.evaluate(() => (window as unknown as { mockforgeFirstRows?: number }).mockforgeFirstRows ?? -1)));
    }
    const rows = (await feed.getByRole("row").count()) - 1;
    console.log(`page with 10,000 journal entries: ${rows} rows shown, loads in ${times.join(", ")} ms (warm), journal bytes fetched on first load ≈ ${apiBytes}`);
    expect(rows).toBe(100);
    expect(Math.min(...times)).toBeGreaterThan(0);
    // The target (300 ms) is asserted when the machine is not overloaded; on a machine running
    // more than one load per core (a shared CI box) a timing says nothing, so only a gross bound.
    const busy = loadavg()[0]! > cpus().length;
    if (busy) console.warn(`!! load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores: page-load target not asserted (bound 3000 ms)`);
    expect(Math.min(...times)).toBeLessThan(busy ? 3000 : 300);
    for (const u of urls) expect(u).not.toContain(TOKEN);
    await b.shot("feed-10k");
    // Before the token is given, the page's first calls are answered 401 (that is how it knows to ask).
    expect(b.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    expect(b.errors.length).toBeGreaterThan(0);
  });
});
