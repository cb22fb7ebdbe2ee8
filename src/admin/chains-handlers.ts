import { fromRunRecord, parseChainText, parseChainValue, type LoadedChain, type PreparedChain } from "../chains/index.js";
import type { ChainConfig } from "../config/schema/chains.js";
import type { SharedState } from "../cluster/shared-state.js";
import type { RunStore } from "../storage/ports.js";
import type { AdminChains } from "./admin-ports.js";
import { refuseUnlisted } from "../core/env-access.js";
import { MockForgeError } from "../core/errors.js";
import { ok, type AdminRoute } from "./admin-types.js";
import { qint } from "./query-params.js";
import { JSON_ONLY } from "./write-type.js";
import { loadScriptSyntaxChecker } from "../scripting/index.js";

/**
 * Chain bodies may also be YAML (a chain file as it is). Neither YAML type is one a browser sends
 * to another site without a preflight this server never grants, so they are as safe as JSON.
 */
const CHAIN_TYPES: readonly string[] = [...JSON_ONLY, "application/yaml", "application/x-yaml"];

/**
 * Chains over the admin API (SPEC §4): manage the registry (YAML or JSON bodies), validate,
 * execute against this server, and read the run history. A chain added here reads only the
 * environment variables in `env_allowlist` (MFG_ERR_ENV_NOT_ALLOWED otherwise).
 */
export function chainsHandlers(chains: AdminChains, runs: RunStore, shared: SharedState, envAllowlist: readonly string[]): AdminRoute[] {
  // In a cluster, a chain changed on another member arrives here as its config (null: removed).
  shared.register("chain", (id, body) => {
    if (body === null) chains.registry.remove(id);
    else chains.registry.put(body as ChainConfig);
  });
  return [...registryRoutes(chains, shared, chainParser(envAllowlist)), ...runRoutes(chains, runs)];
}

type ParseChain = (body: unknown, label: string, defaultId?: string) => Promise<LoadedChain>;

/** Reads a chain body (YAML text or JSON) as a chain file is read, scripts checked, env names refused outside `envAllowlist`. */
function chainParser(envAllowlist: readonly string[]): ParseChain {
  const parseBody = (body: unknown, label: string, defaultId?: string): LoadedChain => {
    if (typeof body === "string") return parseChainText(body, label, defaultId ? { defaultId } : {});
    if (body && typeof body === "object") return parseChainValue(body, label, defaultId ? { defaultId } : {});
    throw new MockForgeError("MFG_ERR_BAD_REQUEST", "Send the chain as a JSON or YAML body", { hint: "content-type: application/json or application/yaml" });
  };
  return async (body, label, defaultId) => {
    // Every chain written here is checked like a file, scripts too: QuickJS loads on the first.
    await loadScriptSyntaxChecker();
    const loaded = parseBody(body, label, defaultId);
    refuseUnlisted(loaded.chain.config, envAllowlist, label);
    return loaded;
  };
}

const view = (c: PreparedChain) => ({ id: c.id, name: c.name, description: c.description, links: c.links.length, has_scripts: c.hasScripts, warnings: c.warnings, config: c.config, graph: graphOf(c) });

/** The registry: list, add, read, replace, remove and validate chains (a change is shared with the cluster). */
function registryRoutes(chains: AdminChains, shared: SharedState, parse: ParseChain): AdminRoute[] {
  const registry = () => chains.registry;
  return [
    { method: "GET", path: "/chains", handler: async () => ok(registry().list().map(view)) },
    {
      method: "POST",
      path: "/chains",
      accepts: CHAIN_TYPES,
      handler: async ({ req }) => {
        const { chain } = await parse(req.body, "POST /__mockforge/chains");
        if (registry().has(chain.id)) registry().add(chain); // throws the duplicate error before anything is shared
        return ok(view(await shared.change("chain", chain.id, chain.config, () => registry().add(chain))), 201);
      },
    },
    { method: "GET", path: "/chains/:id", handler: async ({ params }) => ok(view(registry().get(params.id!))) },
    {
      method: "PUT",
      path: "/chains/:id",
      accepts: CHAIN_TYPES,
      handler: async ({ req, params }) => {
        const loaded = await parse(req.body, `PUT /__mockforge/chains/${params.id}`, params.id);
        if (loaded.chain.id !== params.id) {
          throw new MockForgeError("MFG_ERR_CHAIN_INVALID", `The body's id '${loaded.chain.id}' does not match the URL's '${params.id}'`);
        }
        const { chain, replaced } = await shared.change("chain", params.id!, loaded.chain.config, () => registry().put(loaded.chain));
        return ok(view(chain), replaced ? 200 : 201);
      },
    },
    {
      method: "DELETE",
      path: "/chains/:id",
      handler: async ({ params }) => {
        registry().get(params.id!);
        await shared.change("chain", params.id!, null, () => registry().remove(params.id!));
        return ok({ removed: params.id });
      },
    },
    {
      method: "POST",
      path: "/chains/:id/validate",
      accepts: CHAIN_TYPES,
      handler: async ({ req, params }) => {
        // With a body: check that chain without storing it; without: re-check the stored one.
        try {
          const chain = req.rawBody.length > 0 ? (await parse(req.body, `POST /__mockforge/chains/${params.id}/validate`, params.id)).chain : registry().get(params.id!);
          return ok({ valid: true, id: chain.id, warnings: chain.warnings });
        } catch (e) {
          if (e instanceof MockForgeError && e.code !== "MFG_ERR_CHAIN_NOT_FOUND") return ok({ valid: false, ...e.toJSON() }, 422);
          throw e;
        }
      },
    },
  ];
}

/** Runs: execute a chain against this server, and read its run history. */
function runRoutes(chains: AdminChains, runs: RunStore): AdminRoute[] {
  return [
    {
      method: "POST",
      path: "/chains/:id/execute",
      handler: async ({ req, params }) => {
        const input = (req.body && typeof req.body === "object" ? req.body : {}) as { variables?: Record<string, unknown>; request?: Record<string, unknown> };
        const run = await chains.run(params.id!, {
          ...(input.variables ? { variables: input.variables } : {}),
          ...(input.request ? { request: requestScope(input.request) } : {}),
          traceId: req.trace?.traceId ?? null,
          traceDepth: req.trace?.depth ?? 0,
        });
        return ok(run);
      },
    },
    {
      method: "GET",
      path: "/chains/:id/runs",
      handler: async ({ params, query }) => {
        const list = await runs.list({ kind: "chain", refId: params.id!, limit: qint(query, "limit", 50, 1, 1000) });
        return ok(list.map(fromRunRecord));
      },
    },
    {
      method: "GET",
      path: "/chains/:id/runs/:runId",
      handler: async ({ params }) => {
        const r = await runs.get(params.runId!);
        if (!r || r.kind !== "chain" || r.refId !== params.id) throw new MockForgeError("MFG_ERR_CHAIN_RUN_NOT_FOUND", `No run '${params.runId}' of chain '${params.id}'`);
        return ok(fromRunRecord(r));
      },
    },
  ];
}

/** The links as a DAG, for drawing: each link's id, name, and what it waits for (declared and inferred). */
function graphOf(c: PreparedChain) {
  return c.links.map((l) => ({ id: l.id, name: l.name, dependsOn: l.dependsOn, inferred: l.inferredDependsOn, method: typeof l.config.request.method === "string" ? l.config.request.method : "GET", url: l.config.request.url }));
}

/** The `request` given to execute: what the chain sees as `request.*`. */
function requestScope(r: Record<string, unknown>) {
  return {
    method: typeof r.method === "string" ? r.method.toUpperCase() : "POST",
    path: typeof r.path === "string" ? r.path : "/",
    params: (r.params as Record<string, string>) ?? {},
    query: (r.query as Record<string, unknown>) ?? {},
    headers: (r.headers as Record<string, unknown>) ?? {},
    body: r.body ?? null,
  };
}
