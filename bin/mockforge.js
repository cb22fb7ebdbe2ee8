#!/usr/bin/env node
// Runs the CLI from the compiled bundle in dist/bundle/ (tsc, then scripts/bundle.mjs) when it
// is up to date (npm ci builds it through the `prepare` script), and from the TypeScript
// sources through tsx when a source file is newer than the build (a checkout being edited),
// so what runs is never stale and never slow.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { distState } from "./dist-state.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const state = distState(root);
const useSources = state === "missing" || state === "stale" || (state === "fresh" && process.env.MOCKFORGE_FROM_SOURCE === "1");
if (useSources) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href);
} else {
  const { loadBundle } = await import("./load-bundle.js");
  const bundle = (name) => join(root, "dist", "bundle", name);
  const help = loadBundle(bundle("help.cjs"), "help");
  const wanted = help.exports.wantedCommand(process.argv);
  // Caches are written after a run that went well (see load-bundle.js).
  if (wanted === undefined) {
    await help.exports.runHelp(process.argv);
    if (!process.exitCode) help.save();
  } else {
    // `serve` keeps a cache of its own (not `help serve`: that would leave the server's out of it).
    const main = loadBundle(bundle("main.cjs"), process.argv[2] === "serve" ? "serve" : "cli");
    await main.exports.runCli(process.argv);
    if (!process.exitCode) {
      main.save();
      help.save();
    }
  }
}
