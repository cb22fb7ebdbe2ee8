import { MockForgeError } from "../core/errors.js";

/**
 * Talks to a running server's admin API for CLI commands given `--url`. A coded error body
 * from the server becomes the same MockForgeError the server raised.
 */
export async function adminCall<T>(base: string, method: string, path: string, body?: unknown, token = process.env.MOCKFORGE_ADMIN_TOKEN): Promise<T> {
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
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = data?.error;
    throw new MockForgeError(err?.code ?? "MFG_ERR_BAD_REQUEST", err?.message ?? `HTTP ${res.status} from ${url}`, err?.details ?? {});
  }
  return data as T;
}
