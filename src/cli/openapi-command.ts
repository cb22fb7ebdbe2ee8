import { Command } from "commander";
import { resolve } from "node:path";
import { reportError } from "./cli-errors.js";

/**
 * `mockforge openapi inspect <spec>`: what a spec would be served as (operations, callbacks,
 * webhooks) and what is wrong with it. Exit 0 when it loads whole, 1 when it has problems
 * (listed; with --lenient the sound part is still shown), 2 for a usage error.
 */
export function openapiCommand(): Command {
  const cmd = new Command("openapi").description("Work with OpenAPI specs");
  cmd
    .command("inspect")
    .description("Show what a spec would be mocked as: operations, callbacks, webhooks, problems")
    .argument("<spec>", "OpenAPI 3.0/3.1 file (YAML or JSON)")
    .option("--base-path <path>", "prefix of every served path", "")
    .option("--json", "print the description as JSON")
    .option("--no-full-validation", "skip the complete meta-schema check by @readme/openapi-parser (about 1 s)")
    .action(async (spec: string, opts: { basePath: string; json?: boolean; fullValidation: boolean }) => {
      const { loadSpec, describeSpec, fullValidation } = await import("../openapi/index.js");
      let model;
      try {
        model = await loadSpec(spec, { basePath: opts.basePath, lenient: true });
      } catch (e) {
        process.exitCode = reportError(e);
        return;
      }
      const d = describeSpec(model);
      if (opts.fullValidation) {
        const full = await fullValidation(resolve(spec));
        d.skipped.push(...full.errors.map((e) => `${spec}: ${e} [@readme/openapi-parser]`));
        d.warnings.push(...full.warnings);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
      else process.stdout.write(formatDescription(d));
      process.exitCode = d.skipped.length > 0 ? 1 : 0;
    });
  return cmd;
}

type Description = ReturnType<typeof import("../openapi/index.js").describeSpec>;

function formatDescription(d: Description): string {
  const lines = [`${d.file}: ${d.title} (OpenAPI ${d.version})`, "", `operations (${d.operations.length}):`];
  for (const op of d.operations) {
    lines.push(`  ${op.method.padEnd(7)} ${op.path}  ${op.key}  → ${op.answers}${op.examples.length ? `  examples: ${op.examples.join(", ")}` : ""}`);
    for (const c of op.callbacks) lines.push(`      callback ${c.name}: ${c.methods.join(",")} ${c.expression}`);
  }
  lines.push("", `webhooks (${d.webhooks.length}):`);
  for (const w of d.webhooks) lines.push(`  ${w.name}  ${w.methods.join(",")} body: ${w.body}${w.examples.length ? `  examples: ${w.examples.join(", ")}` : ""}`);
  lines.push("", d.skipped.length ? `problems (${d.skipped.length}; serve refuses the spec, or with --openapi-lenient leaves these parts out):` : "problems: none");
  for (const p of d.skipped) lines.push(`  ${p}`);
  if (d.warnings.length) lines.push("", "warnings:", ...d.warnings.map((w) => `  ${w}`));
  return `${lines.join("\n")}\n`;
}
