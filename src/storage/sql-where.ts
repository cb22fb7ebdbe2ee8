/**
 * Builds a WHERE clause and its parameters for the SQL backends. `placeholder(n)` gives
 * the dialect's marker for the n-th (1-based) parameter: `?` for sqlite, `$n` for postgres.
 */
export class SqlWhere {
  private readonly conditions: string[] = [];
  readonly params: unknown[];

  constructor(
    private readonly placeholder: (n: number) => string,
    initialParams: unknown[] = [],
  ) {
    this.params = [...initialParams];
  }

  /** Adds `template` with `{}` replaced by the next placeholder, when `value` is not undefined. */
  when(value: unknown, template: string): this {
    if (value !== undefined) this.add(template, value);
    return this;
  }

  /** Adds `template` with `{}` replaced by the next placeholder. */
  add(template: string, value: unknown): this {
    this.params.push(value);
    this.conditions.push(template.replace("{}", this.placeholder(this.params.length)));
    return this;
  }

  /** The next placeholder, binding `value` without adding a condition (for LIMIT and the like). */
  bind(value: unknown): string {
    this.params.push(value);
    return this.placeholder(this.params.length);
  }

  /** `WHERE a AND b`, or an empty string when there are no conditions. */
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(" AND ")}` : "";
  }
}

/** sqlite's positional marker. */
export const sqlitePlaceholder = (): string => "?";
/** postgres's numbered marker. */
export const postgresPlaceholder = (n: number): string => `$${n}`;
