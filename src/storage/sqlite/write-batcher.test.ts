import { describe, expect, it } from "vitest";
import { SqliteDatabase } from "./sqlite-database.js";
import { WriteBatcher } from "./write-batcher.js";

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("write batcher", () => {
  const open = () => {
    const db = new SqliteDatabase(":memory:", 1000);
    db.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    return db;
  };

  it("commits a turn's writes together, after this turn's immediates", async () => {
    const db = open();
    const batcher = new WriteBatcher(db);
    const done: number[] = [];
    const writes = [1, 2, 3].map((v) => batcher.write(() => db.run("INSERT INTO t (v) VALUES (?)", [v])).then(() => done.push(v)));
    await nextImmediate();
    expect(done).toEqual([]);
    await Promise.all(writes);
    expect(done).toEqual([1, 2, 3]);
    expect(Number(db.get("SELECT COUNT(*) AS n FROM t")!.n)).toBe(3);
    db.close();
  });

  it("rejects only the write that failed", async () => {
    const db = open();
    const batcher = new WriteBatcher(db);
    const ok = batcher.write(() => db.run("INSERT INTO t (v) VALUES (1)"));
    const dup = batcher.write(() => db.run("INSERT INTO t (v) VALUES (1)"));
    await expect(ok).resolves.toBe(1);
    await expect(dup).rejects.toThrow();
    db.close();
  });

  it("leaves nothing of a write that failed half-way, and commits the rest of its batch", async () => {
    const db = open();
    const batcher = new WriteBatcher(db);
    const first = batcher.write(() => db.run("INSERT INTO t (v) VALUES (1)"));
    const half = batcher.write(() => {
      db.run("INSERT INTO t (v) VALUES (2)");
      db.run("INSERT INTO t (v) VALUES (1)"); // duplicate: this write fails after its first row
    });
    const last = batcher.write(() => db.run("INSERT INTO t (v) VALUES (3)"));
    await expect(first).resolves.toBe(1);
    await expect(half).rejects.toThrow();
    await expect(last).resolves.toBe(1);
    expect(db.all("SELECT v FROM t ORDER BY v").map((r) => Number(r.v))).toEqual([1, 3]);
    db.close();
  });
});
