import type { Worker } from "node:worker_threads";
import { MockForgeError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { spawnWorker } from "../../core/spawn-worker.js";
import { storageFailure } from "../storage-errors.js";
import type { JournalReply, JournalRequest, JournalWorkerData } from "./journal-worker-protocol.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
/** A request without its id (the client numbers them). */
export type JournalCall = JournalRequest extends infer R ? (R extends JournalRequest ? Omit<R, "id"> : never) : never;

/**
 * The main thread's side of the journal worker: numbers requests, matches replies, and
 * starts the worker on first use (a server that never journals never starts it). If the
 * worker dies, every pending request fails with a storage error and the next request starts
 * a new worker; the journal buffer keeps failed batches and sends them again.
 *
 * The worker is unreferenced while nothing is pending, so an idle journal never keeps the
 * process alive, and referenced while a reply is awaited, so awaiting one always completes.
 */
export class JournalWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    private readonly data: JournalWorkerData,
    private readonly logger: Logger,
  ) {}

  call<T = unknown>(req: JournalCall): Promise<T> {
    if (this.closed) return Promise.reject(new MockForgeError("MFG_ERR_STORAGE", "sqlite journal: used after the storage was closed", { hint: "Open the storage again; close() is the last call on a store." }));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...req, id });
    });
  }

  /** Closes the journal file and stops the worker (after every request already sent). */
  async close(): Promise<void> {
    if (this.closed) return;
    const worker = this.worker;
    if (worker) {
      try {
        await this.call({ op: "close" });
      } finally {
        this.closed = true;
        this.worker = undefined;
        await worker.terminate();
      }
    }
    this.closed = true;
  }

  private start(): Worker {
    const worker = spawnWorker(import.meta.url, "journal-worker", { workerData: this.data });
    worker.unref();
    worker.on("message", (reply: JournalReply) => this.settle(reply));
    worker.on("error", (e) => this.lost(worker, e));
    worker.on("exit", (code) => this.lost(worker, new Error(`the journal worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: JournalReply): void {
    if (reply.id === 0 && !reply.ok) {
      this.logger.warn({ err: reply.error.message }, "sqlite background checkpoint failed; the state file's WAL grows until one succeeds");
      return;
    }
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new MockForgeError("MFG_ERR_STORAGE", `sqlite storage could not use the journal '${this.data.path}': ${reply.error.message}`, reply.error.hint ? { hint: reply.error.hint } : {}));
  }

  /** The worker is gone (crashed, or could not open the file): fail what waited on it. */
  private lost(worker: Worker, cause: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.closed) return;
    const err = storageFailure("sqlite", `use the journal '${this.data.path}'`, cause, "The journal worker stopped; the next journal write starts a new one.");
    if (this.pending.size > 0) this.logger.error({ err: err.message, pending: this.pending.size }, "journal worker stopped");
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(err);
  }
}
