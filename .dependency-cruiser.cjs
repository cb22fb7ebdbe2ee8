/**
 * The layering of src/ as rules (docs/architecture.md explains each layer). `npm run lint:layers`
 * runs it; `.ci/run` fails on any violation. Type-only imports count: a cycle through types is
 * still a cycle to read and to change.
 *
 * Tests (`*.test.ts`, `test-support/`) may cross layers to build fixtures, so they are exempt
 * from the folder rules but not from the cycle rule.
 */
const TESTS = "\\.test\\.ts$|/test-support/";
/** The composition root: the only code that chooses implementations and wires them together. */
const ROOT = "^src/(app|app-services|start-server|standalone-hooks|domain-checks|openapi-seam|index)\\.ts$";
const ADAPTERS = "^src/storage/(sqlite|postgres|memory)/";
const DOMAIN = "^src/(core|expr|template|config|storage|delivery|chains|scripting|scenarios|rules|actions|openapi|engine|events|cluster|admin|server)/";

/** A folder may import only itself and the listed folders. */
const only = (folder, allowed, comment) => ({
  name: `${folder}-imports`,
  comment,
  severity: "error",
  from: { path: `^src/${folder}/`, pathNot: TESTS },
  to: { path: "^src/", pathNot: `^src/(${[folder, ...allowed].join("|")})/` },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-storage-adapter-outside-root",
      comment: "Only the composition root picks a storage backend; everything else uses the ports in src/storage/ports.ts.",
      severity: "error",
      from: { path: DOMAIN, pathNot: `${TESTS}|^src/storage/` },
      to: { path: ADAPTERS },
    },
    {
      name: "no-composition-root-from-domain",
      comment: "Domain folders (admin included) get narrow ports from the root; they never import it.",
      severity: "error",
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: ROOT },
    },
    {
      name: "no-cli-from-domain",
      comment: "The CLI is a client of the app, never a dependency of it.",
      severity: "error",
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: "^src/cli/" },
    },
    only("core", [], "core is the bottom: errors, clock, random, ids, logger, deps."),
    only("expr", ["core"], "expressions are pure."),
    only("template", ["core", "expr"], "templates are pure."),
    only("config", ["core", "expr", "template"], "schemas and loading; no I/O beyond reading files."),
    only("storage", ["core"], "ports and adapters know nothing of the domain."),
    only("delivery", ["core", "expr", "template", "config", "storage"], "outbound HTTP over the storage ports."),
    only("actions", ["core", "expr", "template", "config", "delivery", "storage", "chains"], "one outbound call and one action table for hooks, rules and scripts; chains only for the ChainRunner port."),
    only("scripting", ["core", "config", "delivery", "actions"], "the sandbox; its HTTP calls go through delivery."),
    only("chains", ["core", "expr", "template", "config", "delivery", "storage", "scripting", "actions"], "chains run links through delivery and scripts through scripting."),
    only("scenarios", ["core", "expr", "template", "config", "delivery", "storage", "chains", "actions"], "chaos and hooks."),
    only("rules", ["core", "expr", "template", "config", "delivery", "storage", "scripting", "chains", "actions", "engine"], "consistency rules; they plug into the engine as before/after-response work and read its exchange."),
    only("openapi", ["core", "expr", "template", "config", "delivery", "storage", "actions", "engine"], "specs plug into the engine's route table as route extensions; their calls are the one outbound call of actions/."),
    only("engine", ["core", "expr", "template", "config", "delivery", "storage", "scripting", "scenarios", "actions"], "handle(MockRequest) → MockResponse."),
    only("events", ["core", "delivery", "storage", "chains"], "lifecycle events and the events webhook."),
    only("cluster", ["core", "storage"], "membership and shared state over the storage ports."),
    only("server", ["core", "delivery", "engine", "admin"], "the only HTTP listener."),
    only("admin", ["core", "expr", "template", "config", "delivery", "storage", "chains", "scripting", "scenarios", "rules", "actions", "openapi", "engine", "cluster"], "admin handlers over narrow ports (admin-ports.ts)."),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/ui/" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
