/**
 * The complete check of a spec against the OpenAPI 3.0/3.1 meta-schemas and the rules around
 * them (unique operationIds, declared path parameters…), by @readme/openapi-parser. Run by
 * `mockforge openapi inspect`, not by `serve`: compiling the meta-schema costs 1–1.5 s (measured
 * here), which alone would break the "1,000 operations load and serve in under 2 s" target;
 * `serve` checks what it maps, with pointers and lines, and that is enough to serve safely.
 */
import { validate } from "@readme/openapi-parser";

/**
 * Problems the parser finds, one line each: its message and the offending line of the
 * (dereferenced) document it quotes.
 */
export async function fullValidation(path: string): Promise<{ errors: string[]; warnings: string[] }> {
  const r = await validate(path, { validate: { errors: { colorize: false } } });
  const lines = (m: string) => {
    const parts = m.split("\n");
    const at = parts.find((l) => l.trimStart().startsWith(">"));
    return at ? `${parts[0]!.trim()} at ${at.replace(/^\s*>\s*\d+\s*\|\s*/, "").trim()}` : parts[0]!.trim();
  };
  return { errors: r.valid ? [] : r.errors.map((e) => lines(e.message)), warnings: r.warnings.map((w) => lines(w.message)) };
}
