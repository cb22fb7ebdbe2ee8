import type { MemberRecord, MemberStore } from "../ports.js";

/**
 * Members kept in the process: the member list of a single-owner store (memory, sqlite), where
 * the process itself is the only member, so nothing needs to be shared.
 */
export function createMemoryMembers(): MemberStore {
  const members = new Map<string, MemberRecord>();
  return {
    async register(m) {
      members.set(m.id, { ...m });
    },
    async heartbeat(id, now) {
      const m = members.get(id);
      if (!m) return false;
      m.heartbeatAt = now;
      return true;
    },
    async leave(id, now) {
      const m = members.get(id);
      if (m) m.stoppedAt = now;
    },
    async list() {
      return [...members.values()].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id)).map((m) => ({ ...m }));
    },
    async prune(before) {
      let n = 0;
      for (const [id, m] of members) if (m.heartbeatAt < before && members.delete(id)) n++;
      return n;
    },
  };
}
