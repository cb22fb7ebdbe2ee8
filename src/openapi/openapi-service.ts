/**
 * The OpenAPI part of one server: loads the configured specs, adds their operations to the
 * route table (config routes win over spec routes of the same method and path, and keep the
 * operation's validation and callbacks), sends callbacks after responses, triggers 3.1
 * webhooks, and validates what `receives:` routes get. Built by the app only when a config uses
 * OpenAPI, so no other config loads the parser, ajv or the sampler.
 */
import { isAbsolute, resolve } from "node:path";
import type { OpenApiSpecConfig, RouteConfig } from "../config/index.js";
import type { Deps } from "../core/deps.js";
import { MockForgeError } from "../core/errors.js";
import type { CompiledRoute, RouteExtension } from "../engine/compiled-route.js";
import type { AfterResponse } from "../engine/mock-engine.js";
import type { RouteTable } from "../engine/route-table.js";
import { callbackFirer, compileCallbacks } from "./callback-firer.js";
import { checkOverrideKeys } from "./override-keys.js";
import { compileRequestCheck } from "./request-check.js";
import { createSchemaValidators, type SchemaValidators } from "./schema-validator.js";
import { isProblem } from "./spec-file.js";
import { loadSpec } from "./load-spec.js";
import type { SpecModel } from "./spec-model.js";
import { OpenApiError, type SpecProblem } from "./spec-problem.js";
import { operationExtension, routeConfigOf, routePathOf, validationCheck } from "./spec-routes.js";
import { validationNote } from "./validation-note.js";
import type { Outbox } from "./outbound-call.js";
import { createWebhookEvents, type WebhookEvents } from "./webhook-events.js";
import { describeSpec, type SpecDescription } from "./describe-spec.js";

export interface ServedSpec {
  config: OpenApiSpecConfig;
  model: SpecModel;
  validators: SchemaValidators;
  /** Operations served as routes: route id → operation key. */
  routes: { id: string; method: string; path: string; operation: string; callbacks: number }[];
  /** Operations a config route answers instead. */
  overridden: { operation: string; method: string; path: string; by: string }[];
}

export interface OpenApiService {
  specs: ServedSpec[];
  events: WebhookEvents;
  afterResponse: AfterResponse;
  /** What each spec serves, for `GET /__mockforge/openapi`. */
  describe(): { specs: (SpecDescription & { validation: string; base_path: string; routes: ServedSpec["routes"]; overridden: ServedSpec["overridden"] })[]; webhooks: string[] };
}

export interface OpenApiOptions {
  specs: OpenApiSpecConfig[];
  /** Base of relative spec paths (the config file's folder). */
  dir: string;
  /** Specs named only by `routes[].receives`. */
  receiveSpecs: string[];
  routes: RouteTable;
  outbox: Outbox;
  deps: Deps;
  baseUrl: () => string;
}

const shapeOf = (method: string, path: string) => `${method} ${path.split("/").map((s) => (s.startsWith(":") || /^\{.*\}$/.test(s) ? ":" : s)).join("/")}`;

/** @throws OpenApiError / MockForgeError (MFG_ERR_CONFIG_INVALID for overrides naming what the spec lacks) */
export async function startOpenApi(o: OpenApiOptions): Promise<OpenApiService> {
  const specs: ServedSpec[] = [];
  const byFile = new Map<string, { model: SpecModel; validators: SchemaValidators }>();
  const overrides = new Map<string, RouteExtension>();
  for (const cfg of o.specs) {
    const model = await loadSpec(cfg.spec, { dir: o.dir, basePath: cfg.base_path, lenient: cfg.lenient });
    checkOverrideKeys(model, cfg);
    const validators = createSchemaValidators(model.set, model.dialect);
    byFile.set(model.set.root.path, { model, validators });
    specs.push(serveSpec(model, cfg, validators, o.routes, overrides));
  }
  for (const file of o.receiveSpecs) {
    const abs = isAbsolute(file) ? file : resolve(o.dir, file);
    if (byFile.has(abs)) continue;
    const model = await loadSpec(file, { dir: o.dir });
    byFile.set(abs, { model, validators: createSchemaValidators(model.set, model.dialect) });
  }
  o.routes.setDecorator((route) => {
    if (route.ext?.respond) return;
    const receives = route.config.receives;
    if (receives) {
      route.ext = receivesExtension(receives, byFile, o.dir);
      return;
    }
    const ext = overrides.get(shapeOf(route.method, route.path));
    if (ext) route.ext = ext;
  });
  const events = createWebhookEvents(specs.map((s) => ({ model: s.model, webhooks: s.config.webhooks })), o.outbox, o.deps, o.baseUrl);
  return {
    specs,
    events,
    describe: () => ({
      specs: specs.map((s) => ({ ...describeSpec(s.model), validation: s.config.validation, base_path: s.config.base_path, routes: s.routes, overridden: s.overridden })),
      webhooks: events.names(),
    }),
    afterResponse: callbackFirer({ outbox: o.outbox, deps: o.deps, baseUrl: o.baseUrl }),
  };
}

function serveSpec(model: SpecModel, cfg: OpenApiSpecConfig, validators: SchemaValidators, routes: RouteTable, overrides: Map<string, RouteExtension>): ServedSpec {
  const served: ServedSpec = { config: cfg, model, validators, routes: [], overridden: [] };
  const entries: { config: RouteConfig; ext: RouteExtension }[] = [];
  const shapes = new Map<string, string>();
  const problems: SpecProblem[] = [];
  for (const op of model.operations) {
    try {
      const { path, aliases } = routePathOf(op, model.set);
      const shape = shapeOf(op.method, path);
      const twin = shapes.get(shape);
      if (twin) throw model.set.problem(op.loc, "MFG_ERR_OPENAPI_INVALID", `${op.method} ${op.specPath} is the same route as ${twin} (only parameter names differ)`);
      shapes.set(shape, op.key);
      const callbacks = compileCallbacks(model, op, cfg, `openapi[${cfg.spec}]`);
      const existing = routes.hasShape(op.method, path);
      if (existing) {
        const check = validationCheck(cfg.validation, `operation ${op.key}`, compileRequestCheck(op, validators), aliases);
        overrides.set(shape, { ...(check ? { check } : {}), callbacks });
        served.overridden.push({ operation: op.key, method: op.method, path, by: existing.id });
        continue;
      }
      const config = routeConfigOf(op, path);
      entries.push({ config, ext: { ...operationExtension(model, op, cfg, validators, aliases), callbacks } });
      served.routes.push({ id: config.id!, method: op.method, path, operation: op.key, callbacks: callbacks.length });
    } catch (e) {
      if (!isProblem(e)) throw e;
      problems.push(e);
    }
  }
  if (problems.length > 0 && !cfg.lenient) throw new OpenApiError(problems);
  model.skipped.push(...problems);
  routes.addExtended(entries);
  return served;
}

function receivesExtension(receives: { spec: string; webhook: string }, byFile: Map<string, { model: SpecModel; validators: SchemaValidators }>, dir: string): RouteExtension {
  const abs = isAbsolute(receives.spec) ? receives.spec : resolve(dir, receives.spec);
  const loaded = byFile.get(abs);
  if (!loaded) {
    throw new MockForgeError("MFG_ERR_ROUTE_INVALID", `receives names spec ${receives.spec}, which this server did not load at startup`, {
      hint: "name the spec in a config route's receives (or under openapi:) so it is loaded when the server starts",
    });
  }
  const webhook = loaded.model.webhooks.find((w) => w.name === receives.webhook);
  if (!webhook) {
    const known = loaded.model.webhooks.map((w) => w.name);
    throw new MockForgeError("MFG_ERR_OPENAPI_UNKNOWN_EVENT", `receives names webhook '${receives.webhook}', which ${receives.spec} does not define`, { hint: known.length ? `known webhooks: ${known.join(", ")}` : "the spec has no top-level webhooks" });
  }
  const op = webhook.operations[0]!;
  const check = compileRequestCheck({ parameters: [], requestBody: op.requestBody }, loaded.validators);
  return {
    check(req, params, notes) {
      notes.push(validationNote(`webhook ${webhook.name}`, check(req, params)));
      return null;
    },
  };
}
