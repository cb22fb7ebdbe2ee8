/**
 * The seed's examples (test/fixtures/seed) for unit tests, parsed, with `*.example.com` hosts
 * pointed at a local receiver as the fixtures' README allows; nothing else changes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const dir = join(import.meta.dirname, "..", "..", "..", "test", "fixtures", "seed");

export function seedText(name: string, receiver?: string): string {
  const text = readFileSync(join(dir, name), "utf8");
  return receiver ? text.replace(/https:\/\/[a-z0-9.-]*example\.com/g, receiver) : text;
}

export function seedValue(name: string, receiver?: string): Record<string, unknown> {
  return parse(seedText(name, receiver)) as Record<string, unknown>;
}
