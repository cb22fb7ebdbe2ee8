import type { Command } from "commander";
import { MockForgeError } from "../core/errors.js";

/** Every command that takes `--url` also takes `--token` (default: MOCKFORGE_ADMIN_TOKEN). */
export function tokenOption(c: Command): Command {
  return c.option("--token <token>", "admin token of the server at --url (default: $MOCKFORGE_ADMIN_TOKEN)");
}

/**
 * Talks to a running server's admin API for CLI commands given `--url`, with `token` (from
 * `--token`, else MOCKFORGE_ADMIN_TOKEN). A coded error body from the server becomes the same
 * MockForgeError the server raised.
 */
export async function adminCall<T>(base: string, method: string, path: string, body?: unknown, token: string | undefined = process.env.MOCKFORGE_ADMIN_TOKEN): Promise<T> {
  token ||= process.env.MOCKFORGE_ADMIN_TOKEN;
  const url = `${base.replace(/\/$/, "")}/__mockforge${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new MockForgeError("MFG_ERR_DELIVERY_CONNECT", `Could not reach the MockForge admin API at ${url}: ${(e as Error).message}`, { hint: "Is the server running? Check --url" });
  }
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", `${url} answered HTTP ${res.status} with something that is not JSON`, { hint: "Is --url a MockForge server?" });
  }
  if (!res.ok) {
    const err = data?.error;
    throw new MockForgeError(err?.code ?? "MFG_ERR_BAD_REQUEST", err?.message ?? `HTTP ${res.status} from ${url}`, err?.details ?? {});
  }
  return data as T;
}
