/**
 * snake_case ↔ camelCase, for accepting both spellings of every config key (SPEC §1).
 * Canonical keys are snake_case; the normaliser renames a key only when its twin is a known key.
 */

/** `storeAs` → `store_as`, `postScript` → `post_script`, `maxDelaySeconds` → `max_delay_seconds`. */
export function toSnakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/** `store_as` → `storeAs`. Leading underscores and digits after `_` are kept as written. */
export function toCamelCase(key: string): string {
  return key.replace(/([A-Za-z0-9])_+([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
}

/** The other spelling of `key`, or null when it has none (a one-word key). */
export function caseTwin(key: string): string | null {
  if (/[A-Z]/.test(key) && !key.includes("_")) {
    const snake = toSnakeCase(key);
    return snake === key ? null : snake;
  }
  if (key.includes("_")) {
    const camel = toCamelCase(key);
    return camel === key ? null : camel;
  }
  return null;
}
