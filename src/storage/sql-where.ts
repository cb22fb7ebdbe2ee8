import { listLimit } from "./limits.js";

/** How a SQL dialect marks and prepares bound parameters. */
export interface ParamStyle {
  /** The marker for the n-th (1-based) parameter. */
  placeholder(n: number): string;
  /** The value to bind for `value`. */
  prepare(value: unknown): unknown;
  /** A condition true when text `column` contains the text bound at `mark`. */
  contains(column: string, mark: string): string;
}

/** sqlite: `?`, values as they are. */
export const SQLITE_PARAMS: ParamStyle = { placeholder: () => "?", prepare: (v) => v, contains: (column, mark) => `instr(${column}, ${mark}) > 0` };

/**
 * postgres: `$n`; NUL in text becomes U+FFFD because postgres rejects NUL in text parameters
 * (the stored text was written the same way, see row-mapping).
 */
export const POSTGRES_PARAMS: ParamStyle = {
  placeholder: (n) => `$${n}`,
  prepare: (v) => (typeof v === "string" ? v.replaceAll("\u0000", "\uFFFD") : v),
  contains: (column, mark) => `strpos(${column}, ${mark}) > 0`,
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

  /** Adds "`column` contains `value`", when `value` is not undefined. */
  whenContains(value: string | undefined, column: string): this {
    if (value !== undefined) this.conditions.push(this.style.contains(column, this.bind(value)));
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

/**
 * How a store's list filter maps to SQL: each field to a condition (`{}` where its value is
 * bound), or to `{ contains: column }` for a substring match. Written once per kind in tables.ts
 * and used by every SQL backend, so both answer a filter the same way.
 */
export type FilterConditions<F> = { readonly [K in keyof F]?: string | { readonly contains: string } };

/** A list query of one table: which columns, from where, newest first by `order`. */
export interface ListTable {
  columns: string;
  table: string;
  order: string;
}

/** `SELECT … WHERE <filter> ORDER BY … LIMIT <filter.limit or the default>` and its parameters. */
export function listQuery<F extends { limit?: number }>(style: ParamStyle, from: ListTable, conditions: FilterConditions<F>, filter: F): { sql: string; params: unknown[] } {
  const where = new SqlWhere(style);
  for (const key of Object.keys(conditions) as (keyof F)[]) {
    const c = conditions[key]!;
    const value = filter[key];
    if (typeof c === "string") where.when(value, c);
    else where.whenContains(value as string | undefined, c.contains);
  }
  const sql = `SELECT ${from.columns} FROM ${from.table} ${where} ORDER BY ${from.order} LIMIT ${where.bind(listLimit(filter.limit))}`;
  return { sql, params: where.params };
}
