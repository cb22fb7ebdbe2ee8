/**
 * What every action that calls out needs from the rest of MockForge, as small ports: the
 * delivery engine, a chain runner for `execute_chain`, and clock/random/logger/env. Hooks use
 * exactly this; rules add their script sandbox and run store (rules/rule-services.ts).
 */
import type { ChainRunner } from "../chains/chain-runner.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Random } from "../core/random.js";
import type { DeliveryEngine } from "../delivery/types.js";
import type { WebhookTrigger } from "./trigger-webhook.js";

export interface ActionServices {
  deliveries: Pick<DeliveryEngine, "enqueue" | "send">;
  /** Absent: `execute_chain` actions fail with a reason saying no chains are loaded. */
  chains?: ChainRunner;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Visible to templates as `env.X`. */
  env: Record<string, string | undefined>;
  /** The server under test, as `{{base_url}}`; relative URLs (`/api/orders`) resolve against it. */
  baseUrl?: string;
  /** The loaded specs' OpenAPI 3.1 webhooks; absent: `trigger_webhook` actions fail with a reason. */
  webhooks?: WebhookTrigger;
}
