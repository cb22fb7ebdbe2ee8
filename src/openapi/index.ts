/**
 * OpenAPI 3.0/3.1 specs served as mocks that call back (docs/openapi.md): loading with located
 * problems, operations → routes, callbacks → route webhooks, 3.1 webhooks → triggerable
 * events, validation of requests and of received webhooks. Imported lazily by the app (and
 * the CLI) only when a config uses OpenAPI.
 */

// Loading and the model
export { loadSpec } from "./load-spec.js";
export type { LoadSpecOptions } from "./load-spec.js";
export { OpenApiError, problemText } from "./spec-problem.js";
export type { SpecProblem } from "./spec-problem.js";
export { fullValidation } from "./full-validation.js";
export type { SpecModel, OperationModel, WebhookModel, CallbackModel, ResponseModel } from "./spec-model.js";

// Serving
export { startOpenApi } from "./openapi-service.js";
export type { OpenApiService, OpenApiOptions, ServedSpec } from "./openapi-service.js";
export type { WebhookEvents, Subscription, TriggerRequest } from "./webhook-events.js";
export { describeSpec } from "./describe-spec.js";
export type { SpecDescription } from "./describe-spec.js";

// Runtime expressions
export { parseExpression, parseEmbedded, renderEmbedded, evaluateExpression, ExpressionSyntaxError } from "./runtime-expression.js";
export type { RuntimeExpression, ExpressionContext, ExpressionPart } from "./runtime-expression.js";
