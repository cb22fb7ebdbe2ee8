import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { MockForgeError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";

/** Who owns a state file: written as JSON into `<state>.lock`. */
interface Owner {
  pid: number;
  host: string;
  since: string;
}

/** A held lock; `release()` removes the lock file if it is still ours. */
export interface OwnerLock {
  readonly path: string;
  release(): void;
}

/**
 * Makes this process the one owner of a SQLite state file. Two servers on one file would each
 * re-queue the other's in-flight deliveries at start-up and send them twice, so the second is
 * refused, naming the owner. A lock left by a process that is gone (kill -9, a crash) is taken
 * over with a warning. The lock file is created with O_EXCL, so two starting processes cannot
 * both win. `isAlive` is injectable for tests.
 */
export function acquireOwnerLock(stateFile: string, logger: Logger, now: () => number, isAlive: (pid: number) => boolean = pidAlive): OwnerLock {
  const path = `${stateFile}.lock`;
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString() };
  for (let tries = 0; tries < 3; tries++) {
    if (tryCreate(path, me)) return { path, release: () => releaseIfOurs(path) };
    const owner = readOwner(path);
    if (owner === "gone") continue;
    if (owner && owner.host === me.host && !isAlive(owner.pid)) {
      logger.warn({ lock: path, stalePid: owner.pid }, `state file '${stateFile}' was owned by pid ${owner.pid}, which is no longer running; taking it over (its in-flight deliveries are re-queued)`);
      unlinkQuiet(path);
      continue;
    }
    throw lockedError(stateFile, path, owner);
  }
  const last = readOwner(path);
  throw lockedError(stateFile, path, last === "gone" ? null : last);
}

function tryCreate(path: string, me: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new MockForgeError("MFG_ERR_STORAGE", `Cannot create the lock file '${path}': ${(e as Error).message}`, { hint: "Pass --state with a path in a writable folder." }, { cause: e });
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner recorded in the lock file; "gone" when the file vanished meanwhile; null when unreadable. */
function readOwner(path: string): Owner | null | "gone" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : null;
  }
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    return typeof o.pid === "number" && typeof o.host === "string" ? { pid: o.pid, host: o.host, since: String(o.since ?? "") } : null;
  } catch {
    // A lock being written right now (created, not yet filled) reads empty: treat it as held.
    return null;
  }
}

function releaseIfOurs(path: string): void {
  const owner = readOwner(path);
  if (owner && owner !== "gone" && owner.pid === process.pid && owner.host === hostname()) unlinkQuiet(path);
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already removed (by its owner, or by a process taking a stale lock over): nothing to do.
  }
}

/** Signal 0 checks existence only; EPERM means it exists but belongs to another user. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockedError(stateFile: string, lockPath: string, owner: Owner | null): MockForgeError {
  const who = owner ? `pid ${owner.pid} on ${owner.host} (since ${owner.since})` : `another process (see ${lockPath})`;
  return new MockForgeError("MFG_ERR_STORAGE_LOCKED", `State file '${stateFile}' is in use by ${who}`, {
    hint: "A SQLite state file has one owner. Stop that server, give this one its own --state file (or --ephemeral), or use PostgreSQL (storage: postgres://…) to run several instances on one store.",
    lock: lockPath,
    ...(owner ? { ownerPid: owner.pid } : {}),
  });
}
