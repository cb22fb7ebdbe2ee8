/**
 * Config: schemas (the one source of the config types), loading YAML/JSON with
 * `file:line:col` errors, snake_case/camelCase key normalising, semantic checks, JSON Schema.
 */

// Loading
export { checkRouteInput, loadConfig, parseConfigText, parseRouteInput } from "./load-config.js";
export { readConfigFile } from "./read-config-file.js";
export type { LoadConfigOptions, LoadedConfig } from "./load-config.js";
export { parseWithSchema, parseValueWithSchema, detachedSource } from "./parse-with-schema.js";
export type { ConfigSource, ConfigWarning, ParsedDocument, ProblemOptions } from "./parse-with-schema.js";
export { parseSource } from "./source-document.js";
export type { SourceDocument, SourcePosition } from "./source-document.js";

// Errors
export { ConfigError, problemLine, sortProblems } from "./config-error.js";
export type { ConfigProblem } from "./config-error.js";
export { formatPath } from "./config-path.js";
export type { ConfigPath, PathSegment } from "./config-path.js";

// Semantic checks
export { validateConfig, findConfigProblems, findRouteProblems } from "./validate-config.js";
export { checkRoutes, routePathProblem, routeShape } from "./route-checks.js";
export { checkTemplates, checkCondition, checkRouteTemplates } from "./template-checks.js";
export { chainRefProblems, webhookEventProblems } from "./action-refs.js";
export { newLogsShadowWarnings } from "./logs-shadow.js";

// Key normalising
export { normalizeKeys } from "./normalize-keys.js";
export type { KeyProblem, NormalizedKeys } from "./normalize-keys.js";
export { toSnakeCase, toCamelCase, caseTwin } from "./key-case.js";
export { nearest, editDistance } from "./suggest.js";

// JSON Schema
export { configJsonSchema, toConfigJsonSchema } from "./json-schema.js";

// Storage
export { resolveStorageTarget } from "./storage-target.js";
export type { StorageTarget } from "./storage-target.js";

// Schemas and their types
export { configSchema } from "./schema/config.js";
export type { MockForgeConfig, MockForgeConfigInput } from "./schema/config.js";
export { httpConfigSchema, DEFAULT_BODY_LIMIT_BYTES } from "./schema/http.js";
export type { HttpConfig } from "./schema/http.js";
export { routeSchema, routesConfigSchema, routeResponseSchema, statusSchema, routeIdOf, ROUTE_METHODS } from "./schema/routes.js";
export type { RouteConfig, RouteResponseConfig, RoutesConfig, RouteMethod } from "./schema/routes.js";
export { storageConfigSchema, journalConfigSchema, DEFAULT_STORAGE, DEFAULT_JOURNAL_MAX_ENTRIES } from "./schema/storage.js";
export type { StorageConfig, JournalConfig } from "./schema/storage.js";
export { openapiConfigSchema, openapiSpecSchema, receivesSchema, callbackOverrideSchema, webhookOverrideSchema, VALIDATION_MODES } from "./schema/openapi.js";
export type { OpenApiSpecConfig, ReceivesConfig, CallbackOverride, WebhookOverride, ValidationMode } from "./schema/openapi.js";
