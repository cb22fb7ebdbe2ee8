import { writeFileSync } from "node:fs";

/**
 * A config of `n` routes as a generator writes one: methods in turn, a third of the paths
 * with a parameter, a templated body. `padBytes` adds a literal field to each body, to reach
 * a file size (the 50 MB `validate` case).
 */
export function writeScaleConfig(file: string, n: number, padBytes = 0): number {
  const methods = ["GET", "POST", "PUT", "DELETE"];
  const pad = padBytes > 0 ? `, pad: "${"x".repeat(padBytes)}"` : "";
  const lines = ["routes:"];
  for (let i = 0; i < n; i++) {
    const path = i % 3 === 0 ? `/api/v${i % 7}/res${i}/:id` : `/api/v${i % 7}/res${i}/items`;
    lines.push(`  - path: ${path}`, `    method: ${methods[i % 4]}`, "    response:", "      status: 200", `      body: { id: "r${i}", name: "{{request.params.id}}"${pad} }`);
  }
  const text = `${lines.join("\n")}\n`;
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
