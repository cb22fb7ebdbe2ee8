/**
 * One description of how each record maps to table columns, shared by the SQL backends so
 * sqlite and postgres store and read records the same way. Rows are always mapped column by
 * column: driver extras (libsql's `_metadata`) never reach a caller.
 */

/**
 * `text`: string or null. `num`: number or null (postgres may hand back numeric strings).
 * `json`: any JSON value, stored as JSON text (so NUL characters and exact key order survive
 * on every backend). `bool`: stored as 0/1 in sqlite, boolean in postgres.
 */
export type Codec = "text" | "num" | "json" | "bool";

/** One record field and the column that stores it. */
export interface Column<T> {
  readonly field: keyof T & string;
  readonly column: string;
  readonly codec: Codec;
}

/** A column for `field`, named in snake_case unless `column` is given. */
export function col<T>(field: keyof T & string, codec: Codec, column?: string): Column<T> {
  return { field, codec, column: column ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) };
}

/** What differs between the SQL backends when binding values. */
export interface Dialect {
  /** sqlite has no boolean type. */
  boolAsInt: boolean;
  /**
   * postgres TEXT cannot hold NUL; one decoded `%00` in a path would otherwise fail the whole
   * journal batch forever. Text columns get U+FFFD instead (JSON columns keep NUL escaped).
   */
  replaceNul: boolean;
}

/** The value to bind for one field. */
export function encodeValue(value: unknown, codec: Codec, dialect: Dialect): unknown {
  switch (codec) {
    case "json":
      return JSON.stringify(value === undefined ? null : value);
    case "bool":
      return dialect.boolAsInt ? (value ? 1 : 0) : Boolean(value);
    case "text":
      if (value === undefined || value === null) return null;
      return dialect.replaceNul && typeof value === "string" ? value.replaceAll("\u0000", "\uFFFD") : value;
    case "num":
      return value === undefined ? null : value;
    default: {
      const never: never = codec;
      throw new Error(`unknown codec ${String(never)}`);
    }
  }
}

/** The field value for one raw column value. */
export function decodeValue(raw: unknown, codec: Codec): unknown {
  switch (codec) {
    case "json":
      return raw === null || raw === undefined ? null : JSON.parse(String(raw));
    case "bool":
      return raw === true || raw === 1 || raw === 1n || raw === "1" || raw === "t";
    case "num":
      return raw === null || raw === undefined ? null : Number(raw);
    case "text":
      return raw === null || raw === undefined ? null : String(raw);
    default: {
      const never: never = codec;
      throw new Error(`unknown codec ${String(never)}`);
    }
  }
}

/** Bind values for `columns`, in order, taken from `record`. */
export function toParams<T>(record: T, columns: readonly Column<T>[], dialect: Dialect): unknown[] {
  return columns.map((c) => encodeValue(record[c.field], c.codec, dialect));
}

/** A record built from a row, reading only the listed columns. */
export function fromRow<T>(row: Record<string, unknown>, columns: readonly Column<T>[]): T {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c.field] = decodeValue(row[c.column], c.codec);
  return out as T;
}

/** `a, b, c` for a SELECT or INSERT column list. */
export function columnList<T>(columns: readonly Column<T>[]): string {
  return columns.map((c) => c.column).join(", ");
}
