/**
 * What the admin handlers need from the running server, as narrow ports. The composition root
 * (`app.ts`) builds one record once everything is open; admin never reaches back into the app
 * itself, so admin → app is not an import (the layering check in `.dependency-cruiser.cjs`).
 */
import type { ChainRegistry, ChainRun } from "../chains/index.js";
import type { ClusterStatus } from "../cluster/cluster-status.js";
import type { SharedState } from "../cluster/shared-state.js";
import type { Deps } from "../core/deps.js";
import type { EventBus } from "../core/event-bus.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { JournalRecorder } from "../engine/journal-recorder.js";
import type { RouteTable } from "../engine/route-table.js";
import type { OpenApiService } from "../openapi/index.js";
import type { RuleEngine } from "../rules/index.js";
import type { ChainRunRequest, FaultController, ScenarioManager } from "../scenarios/index.js";
import type { Storage } from "../storage/ports.js";

/** Chains as the admin API uses them: the registry, and a runner bound to this server. */
export interface AdminChains {
  registry: ChainRegistry;
  /** Rejects MFG_ERR_CHAIN_NOT_FOUND for an unknown id. */
  run(chainId: string, request: ChainRunRequest): Promise<ChainRun>;
}

export interface AdminPorts {
  deps: Deps;
  routes: RouteTable;
  events: EventBus;
  storage: Storage;
  deliveries: DeliveryEngine;
  recorder: JournalRecorder;
  /** Run-time changes shared with the other members of a cluster. */
  shared: SharedState;
  /** The config's `env_allowlist`: all a route or chain added at run time may read (core/env-access.ts). */
  envAllowlist: readonly string[];
  chains: AdminChains;
  faults: FaultController;
  rules: Pick<RuleEngine, "stats">;
  scenarios: ScenarioManager;
  /** The OpenAPI specs served, or null when the config names none. */
  openapi: OpenApiService | null;
  /** `GET /__mockforge/cluster`. */
  clusterStatus(): Promise<ClusterStatus>;
  /** Where this server listens (exports name it). */
  url(): string;
  /** `http.base_url` from the config: its origin is one of this server's own. */
  configuredBaseUrl: string | undefined;
}
