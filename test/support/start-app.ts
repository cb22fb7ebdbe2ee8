import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";

export interface TestServer {
  app: RunningApp;
  url: string;
  dir: string;
  close: () => Promise<void>;
}

/**
 * Starts a real MockForge server on 127.0.0.1:0 from config text (written to a temp folder
 * so relative paths behave as for a user's file). Storage is `memory` unless the config or
 * `storage` says otherwise.
 */
export async function startFromText(yaml: string, opts: { storage?: string; env?: Record<string, string>; files?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "mockforge-test-"));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const file = join(dir, "mockforge.yaml");
  writeFileSync(file, yaml);
  const loaded = await loadConfig(file);
  const app = createApp(loaded, { port: 0, host: "127.0.0.1", storage: opts.storage ?? "memory", deps: opts.env ? { env: opts.env } : {} });
  const running = await app.start();
  const { url } = running;
  return {
    app: running,
    url,
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON, for terse tests. */
export async function call(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body !== undefined && typeof init.body !== "string" ? { "content-type": "application/json", ...init.headers } : init.headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body, text };
}
