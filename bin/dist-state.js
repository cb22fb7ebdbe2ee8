// Whether the compiled CLI in dist/ is up to date with the TypeScript sources in src/. Shared by
// bin/mockforge.js (which runs dist/ when it is, the sources through tsx when not) and
// scripts/build-if-stale.mjs (npm's `prepare`), so both decide the same way.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Newest modification time of a .ts file under `dir`, 0 when there is none. */
function newestSource(dir) {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    if (!String(f).endsWith(".ts")) continue;
    const t = statSync(join(dir, String(f))).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** "fresh": dist/ is newer than every source; "stale": a source is newer; "missing": no build; "no-sources": a published package. */
export function distState(root) {
  // The bundle is written last by `npm run build` (tsc, then scripts/bundle.mjs).
  const compiled = join(root, "dist", "bundle", "main.js");
  const sources = join(root, "src");
  if (!existsSync(sources)) return "no-sources";
  if (!existsSync(compiled)) return "missing";
  return newestSource(sources) > statSync(compiled).mtimeMs ? "stale" : "fresh";
}
