#!/usr/bin/env node
// Runs the CLI from compiled `dist/` when it is up to date (npm ci builds it through the
// `prepare` script), and from the TypeScript sources through tsx when a source file is newer
// than the build (a checkout being edited), so what runs is never stale and never slow.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli", "main.js");
const sources = join(root, "src");

function newestSource() {
  let newest = 0;
  for (const f of readdirSync(sources, { recursive: true })) {
    if (!String(f).endsWith(".ts")) continue;
    const t = statSync(join(sources, String(f))).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const useSources = existsSync(sources) && (!existsSync(compiled) || process.env.MOCKFORGE_FROM_SOURCE === "1" || newestSource() > statSync(compiled).mtimeMs);
if (useSources) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(sources, "cli", "main.ts")).href);
} else {
  await import(pathToFileURL(compiled).href);
}
