/** How a SQL dialect marks and prepares bound parameters. */
export interface ParamStyle {
  /** The marker for the n-th (1-based) parameter. */
  placeholder(n: number): string;
  /** The value to bind for `value`. */
  prepare(value: unknown): unknown;
}

/** sqlite: `?`, values as they are. */
export const SQLITE_PARAMS: ParamStyle = { placeholder: () => "?", prepare: (v) => v };

/**
 * postgres: `$n`; NUL in text becomes U+FFFD because postgres rejects NUL in text parameters
 * (the stored text was written the same way, see row-mapping).
 */
export const POSTGRES_PARAMS: ParamStyle = {
  placeholder: (n) => `$${n}`,
  prepare: (v) => (typeof v === "string" ? v.replaceAll("\u0000", "\uFFFD") : v),
};

/** Builds a WHERE clause and its parameters for the SQL backends. */
export class SqlWhere {
  private readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  constructor(private readonly style: ParamStyle) {}

  /** Adds `template` with `{}` replaced by the next placeholder, when `value` is not undefined. */
  when(value: unknown, template: string): this {
    if (value !== undefined) this.add(template, value);
    return this;
  }

  /** Adds `template` with `{}` replaced by the next placeholder. */
  add(template: string, value: unknown): this {
    this.conditions.push(template.replace("{}", this.bind(value)));
    return this;
  }

  /** The next placeholder, binding `value` without adding a condition (for LIMIT, SET and the like). */
  bind(value: unknown): string {
    this.params.push(this.style.prepare(value));
    return this.style.placeholder(this.params.length);
  }

  /** `WHERE a AND b`, or an empty string when there are no conditions. */
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(" AND ")}` : "";
  }
}
