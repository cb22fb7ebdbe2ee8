/**
 * `{{ expr }}` templates over any config value, and string conditions that mix templates with
 * operators (SPEC §8). Expressions come from `expr/`; this folder only finds and renders them.
 */
export { compileTemplate } from "./compile-template.js";
export type { Template } from "./compile-template.js";
export { renderTemplate } from "./render-template.js";
export { compileCondition } from "./condition.js";
export type { Condition } from "./condition.js";
export { scanTemplate } from "./scan-template.js";
export type { TemplatePart, TemplateSlot } from "./scan-template.js";
export { compileBodyTemplate, jsonTextAsValue } from "./json-text.js";
export { pinClock } from "./pin-clock.js";
export { unknownConditionRoots, unknownRootsInParts, unknownTemplateRoots, withNames } from "./template-roots.js";
export type { RootProblem, TemplateRoots } from "./template-roots.js";
