import { newInstanceId } from "../instance-id.js";
import type { Storage } from "../ports.js";
import { createMemoryDeliveries } from "./memory-deliveries.js";
import { createMemoryJournal } from "./memory-journal.js";
import { createMemoryMembers } from "./memory-members.js";
import { createMemoryRuns } from "./memory-runs.js";

/**
 * A store that lives and dies with the process: for tests and `storage: memory`.
 * Records are deep-copied in and out (structuredClone), so callers never share
 * objects with the store, exactly as with a database.
 *
 * @example
 * const storage = createMemoryStorage();
 * await storage.journal.append(entry);
 * const [newest] = await storage.journal.list({ limit: 1 });
 */
export function createMemoryStorage(opts: { instanceId?: string } = {}): Storage {
  const instanceId = opts.instanceId ?? newInstanceId();
  return {
    description: "memory",
    shared: false,
    instanceId,
    journal: createMemoryJournal(),
    deliveries: createMemoryDeliveries(),
    runs: createMemoryRuns(instanceId),
    members: createMemoryMembers(),
    signals: null,
    sharedState: null,
    traceCounts: null,
    // Nothing is buffered, so there is nothing to flush; the data goes with the object.
    async close() {},
  };
}

