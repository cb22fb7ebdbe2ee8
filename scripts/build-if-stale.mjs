// npm's `prepare`. npm runs it after `npm ci`, and again on every `npx mockforge` in a checkout:
// npm exec installs the project from its own folder and prepares it, so an unconditional
// `tsc` made the README's first command take 10-18 s (minutes on a loaded machine). This
// builds only when dist/ is missing or older than a source file, and otherwise returns at once.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { distState } from "../bin/dist-state.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const state = distState(root);
if (state === "fresh" || state === "no-sources") process.exit(0);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
const b = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs")], { stdio: "inherit" });
process.exit(b.status ?? 1);
