import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** The package version, read once from package.json (one source for the CLI and the member list). */
export const MOCKFORGE_VERSION: string = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** The host other members and operators reach this one at: the machine's name when bound to every interface. */
export function advertisedHost(listenHost: string): string {
  return listenHost === "0.0.0.0" || listenHost === "::" ? hostname() : listenHost;
}
