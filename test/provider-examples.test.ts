/** examples/providers/ (issue 21): every file loads and passes the load-time checks, with a signing scheme per provider. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { systemClock } from "../src/core/clock.js";
import { systemRandom } from "../src/core/random.js";
import { checkDomain } from "../src/domain-checks.js";

const dir = join(import.meta.dirname, "..", "examples", "providers");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("examples/providers", () => {
  it("has one config per provider", () => {
    expect(files.sort()).toEqual(["github.yaml", "shopify.yaml", "slack.yaml", "standard-webhooks.yaml", "stripe.yaml", "svix.yaml"]);
  });

  it.each(files)("%s loads, signs with its provider's scheme, and warns about nothing", async (file) => {
    const loaded = await loadConfig(join(dir, file));
    const checked = await checkDomain(loaded, { clock: systemClock, random: systemRandom });
    expect([...loaded.warnings, ...checked.warnings]).toEqual([]);
    const schemes = [loaded.config.webhooks.signing, ...loaded.config.routes.flatMap((r) => r.webhooks.map((w) => w.signing))].flatMap((s) => (s ? [s.scheme] : []));
    expect(schemes).toContain(file.replace(".yaml", ""));
  });
});
