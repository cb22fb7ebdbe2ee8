/**
 * Debian's chromium driven by playwright-core, for the dashboard's browser tests. Never a
 * downloaded browser: where /usr/bin/chromium is absent the tests are skipped, loudly.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.MOCKFORGE_CHROMIUM ?? "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`!! WARNING: ${CHROMIUM} not found: the dashboard browser tests are SKIPPED (apt-get install -y chromium)`);

/** Screenshots go here (gitignored); look at them after a run. */
export const SHOTS = join(process.cwd(), "test-output", "dashboard");

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors: a test asserts there are none. */
  errors: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "mockforge-chromium-"));
  mkdirSync(SHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    context,
    page,
    errors,
    async shot(name) {
      const file = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
