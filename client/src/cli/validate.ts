import { createHash } from "node:crypto";
import { basename } from "node:path";
import { orderCreateInput, orderUpdateInput, toFieldErrors } from "@calltouch-gateway/contract";
import { type Mapping, mapRow } from "./mapping";
import type { SourceRow } from "./read";

/** A row judged as the gateway would judge it: the order to send, or the reasons it would be refused. */
export type CheckedRow =
  | { line: number; ok: true; order: Record<string, unknown> & { orderNumber: unknown; idempotencyKey: string } }
  | { line: number; ok: false; orderNumber?: string; errors: string[] };

/**
 * Maps and validates one row with the contract's own schema (`orderCreateInput` / `orderUpdateInput`),
 * so a row passes here exactly when the gateway would take it; a valid row gets its idempotency key.
 *
 * @example checkRow({ line: 2, values: { orderNumber: "42", revenue: "1000" } }, {}, "create", "deals.csv")
 *   // { line: 2, ok: true, order: { orderNumber: "42", revenue: "1000", idempotencyKey: "import-…" } }
 */
export function checkRow(row: SourceRow, mapping: Mapping, kind: "create" | "update", source: string): CheckedRow {
  if (row.error !== undefined) return { line: row.line, ok: false, errors: [row.error] };
  const { order, errors } = mapRow(row.values, mapping);
  const orderNumber =
    typeof order.orderNumber === "string" || typeof order.orderNumber === "number" ? String(order.orderNumber) : undefined;
  const messages = errors.map(({ field, message }) => `${field}: ${message}`);
  const result = (kind === "create" ? orderCreateInput : orderUpdateInput).safeParse(order);
  if (!result.success) {
    messages.push(...toFieldErrors(result.error).map(({ field, message }) => (field === "" ? message : `${field}: ${message}`)));
  }
  if (messages.length > 0) return { line: row.line, ok: false, ...(orderNumber === undefined ? {} : { orderNumber }), errors: messages };
  const idempotencyKey = typeof order.idempotencyKey === "string" ? order.idempotencyKey : rowKey(source, row.line, kind, order);
  return { line: row.line, ok: true, order: { ...order, orderNumber: order.orderNumber, idempotencyKey } };
}

/**
 * The idempotency key of a row: the same file name, line, kind and content always give the same key,
 * so a rerun after an interruption is answered with the first receipts; a changed row gets a new key
 * (and is a new change). The file's name, not its path, so that moving the file does not resend it.
 *
 * @example rowKey("/data/deals.csv", 17, "create", { orderNumber: "42" }) // "import-5f1c…" (40 hex digits)
 */
export function rowKey(source: string, line: number, kind: string, order: Record<string, unknown>): string {
  const digest = createHash("sha256")
    .update(`${basename(source)}\n${line}\n${kind}\n${JSON.stringify(order)}`)
    .digest("hex");
  return `import-${digest.slice(0, 40)}`;
}
