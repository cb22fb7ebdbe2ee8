/** How deliveries and attempts map to sqlite rows, shared by the outbox's reads, writes and leases. */
import { columnList, fromRow } from "../row-mapping.js";
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_URL_COLUMN } from "../tables.js";

export const DIALECT = { boolAsInt: true, replaceNul: false };
export const COLS = columnList(DELIVERY_COLUMNS);
export const ATT_COLS = columnList(ATTEMPT_COLUMNS);
export const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
export const toRecord = (r: Record<string, unknown>) => fromRow(r, DELIVERY_COLUMNS);
// Built once: a statement is looked up by its text, and building that text per write (and
// hashing a new string) showed in the outbox's profile.
export const INSERT_DELIVERY = `INSERT INTO deliveries (${COLS}, ${DELIVERY_URL_COLUMN}) VALUES (${marks(DELIVERY_COLUMNS.length + 1)})`;
export const INSERT_ATTEMPT = `INSERT INTO attempts (${ATT_COLS}) VALUES (${marks(ATTEMPT_COLUMNS.length)})`;
