import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { delivery, journalEntry } from "../test-support/storage-fixtures.js";
import { createSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "mockforge-xproc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let scripts = 0;
const storageModule = fileURLToPath(new URL("./sqlite-storage.ts", import.meta.url));

/** Runs `body` in a child node process (TypeScript via tsx) with `storage` opened on `path`. */
function child(path: string, body: string): ChildProcess {
  const script = join(dir, `child-${++scripts}.mts`);
  writeFileSync(
    script,
    `import { createSqliteStorage } from ${JSON.stringify(storageModule)};\n` +
      `const storage = createSqliteStorage(${JSON.stringify(path)});\n${body}\n`,
  );
  return spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
}

/** Resolves with the first stdout line that starts with `prefix`; rejects if the child exits first. */
function lineFrom(p: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    p.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith(prefix));
      if (line) resolve(line.slice(prefix.length));
    });
    p.on("exit", (code) => reject(new Error(`child exited (${code}) before printing '${prefix}': ${out}`)));
  });
}

describe("sqlite across processes", () => {
  it("another process reads the state file of a running writer", async () => {
    const path = join(dir, "shared.db");
    const server = createSqliteStorage(path);
    try {
      const d = delivery();
      await server.deliveries.insert(d);
      for (let i = 0; i < 3; i++) await server.journal.append(journalEntry());
      await server.journal.count(); // flush, as any read does
      const p = child(
        path,
        `const d = await storage.deliveries.list(); const n = await storage.journal.count();
         console.log("RESULT " + JSON.stringify({ ids: d.map((x) => x.id), n })); await storage.close();`,
      );
      const result = JSON.parse(await lineFrom(p, "RESULT "));
      expect(result).toEqual({ ids: [d.id], n: 3 });
      // The writer keeps working after the reader is gone.
      await server.deliveries.update(d.id, { status: "succeeded" });
      expect((await server.deliveries.get(d.id))!.status).toBe("succeeded");
    } finally {
      await server.close();
    }
  });

  it("a delivery survives kill -9 once insert has resolved", async () => {
    const path = join(dir, "crash.db");
    const d = delivery();
    const p = child(
      path,
      `await storage.deliveries.insert(${JSON.stringify(d)});
       console.log("INSERTED yes");
       // Stay alive until killed: a listening socket keeps the event loop busy.
       (await import("node:net")).createServer().listen(0, "127.0.0.1");`,
    );
    await lineFrom(p, "INSERTED ");
    const exited = new Promise((r) => p.on("exit", r));
    p.kill("SIGKILL");
    await exited;
    const after = createSqliteStorage(path);
    try {
      expect(await after.deliveries.get(d.id)).toEqual(d);
    } finally {
      await after.close();
    }
  });
});
