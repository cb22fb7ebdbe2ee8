import { describe, expect, it } from "vitest";
import type { MemberRecord } from "../ports.js";
import type { ConformanceContext } from "./conformance-context.js";
import { T0 } from "./storage-fixtures.js";

const member = (id: string, over: Partial<MemberRecord> = {}): MemberRecord => ({
  id,
  host: "127.0.0.1",
  port: 3000,
  version: "0.1.0",
  pid: 4242,
  startedAt: T0,
  heartbeatAt: T0,
  stoppedAt: null,
  ...over,
});

/** The member list: register, heartbeat, leave, list, prune. */
export function memberConformance(ctx: ConformanceContext): void {
  describe("members", () => {
    it("registers, heartbeats, leaves and lists members oldest first", async () => {
      const m = ctx.storage().members;
      await m.register(member("mbr_b", { startedAt: T0 + 10, heartbeatAt: T0 + 10, port: 3001 }));
      await m.register(member("mbr_a"));
      expect(await m.heartbeat("mbr_a", T0 + 1000)).toBe(true);
      expect(await m.heartbeat("mbr_gone", T0 + 1000)).toBe(false);
      await m.leave("mbr_b", T0 + 2000);
      expect(await m.list()).toEqual([
        member("mbr_a", { heartbeatAt: T0 + 1000 }),
        member("mbr_b", { startedAt: T0 + 10, heartbeatAt: T0 + 10, port: 3001, stoppedAt: T0 + 2000 }),
      ]);
      // Registering again replaces the row (a member that was pruned while away comes back).
      await m.register(member("mbr_b", { startedAt: T0 + 10, heartbeatAt: T0 + 3000, port: 3001 }));
      expect((await m.list())[1]).toMatchObject({ heartbeatAt: T0 + 3000, stoppedAt: null });
    });

    it("prunes members whose last heartbeat is older than the given time", async () => {
      const m = ctx.storage().members;
      await m.register(member("mbr_old", { heartbeatAt: T0 - 5000 }));
      await m.register(member("mbr_new", { heartbeatAt: T0 }));
      expect(await m.prune(T0 - 1)).toBe(1);
      expect((await m.list()).map((x) => x.id)).toEqual(["mbr_new"]);
    });
  });
}
