import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "fixtures", "seed");

/**
 * A seed example as written, with only its hosts pointed at local servers (as the seed's
 * README for the fixtures allows): `https://<anything>.example.com` → the receiver, and
 * `{{base_url}}` / `http://localhost:3000` → the server under test. Nothing else changes.
 */
export function seedFixture(name: string, hosts: { receiver: string; server?: string }): string {
  let text = readFileSync(join(dir, name), "utf8");
  text = text.replace(/https:\/\/[a-z0-9.-]*example\.com/g, hosts.receiver);
  if (hosts.server) text = text.replaceAll("{{base_url}}", hosts.server).replaceAll("http://localhost:3000", hosts.server);
  return text;
}

/** The raw text of a seed example, unchanged. */
export function seedText(name: string): string {
  return readFileSync(join(dir, name), "utf8");
}
