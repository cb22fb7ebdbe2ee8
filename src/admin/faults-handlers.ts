/**
 * Live faults (SPEC §5) with a switch: `GET /__mockforge/faults` lists the active blocks and the
 * ones switched off here; `POST /faults/<source>/disable` takes a block out at once (kept so it
 * can come back), `POST /faults/<source>/enable` puts it back as it was. A scenario step that
 * sets its source again replaces what was switched off.
 */
import { MockForgeError } from "../core/errors.js";
import type { ActiveFaults, FaultController } from "../scenarios/index.js";
import { ok, type AdminRoute } from "./admin-types.js";

export function faultsHandlers(faults: () => FaultController): AdminRoute[] {
  const disabled = new Map<string, ActiveFaults>();
  const route = (source: string) => (source.startsWith("route:") ? source.slice("route:".length) : null);
  return [
    {
      method: "GET",
      path: "/faults",
      handler: async () => {
        const f = faults();
        const active = f.list();
        for (const a of active) disabled.delete(a.source);
        return ok({ active: f.active, faults: active, disabled: [...disabled.values()] });
      },
    },
    {
      method: "POST",
      path: "/faults/:source/disable",
      handler: async ({ params }) => {
        const f = faults();
        const block = f.list().find((a) => a.source === params.source);
        if (!block) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No active faults from '${params.source}'`, { hint: "GET /__mockforge/faults lists the sources" });
        disabled.set(block.source, block);
        f.clear(block.source);
        return ok({ disabled: block.source });
      },
    },
    {
      method: "POST",
      path: "/faults/:source/enable",
      handler: async ({ params }) => {
        const block = disabled.get(params.source!);
        if (!block) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No switched-off faults from '${params.source}'`, { hint: "GET /__mockforge/faults lists them under `disabled`" });
        const f = faults();
        const routeId = route(block.source);
        if (routeId) f.setForRoute(routeId, block.faults);
        else f.set(block.source, block.faults);
        disabled.delete(block.source);
        return ok({ enabled: block.source });
      },
    },
  ];
}
