import type { FieldError } from "@calltouch-gateway/contract";
import type { PublicKey } from "../auth/keys";

/** A form's fields: one value, or several for a repeated field (`tags`). */
export type FormFields = Record<string, string | string[]>;

/** Fields a form may always send besides order fields: what the helper and plain HTML forms post. */
const CONTACT_FIELDS = ["name", "phone", "email"] as const;
/** Fields the gateway reads itself and never treats as part of the deal. */
export const TURNSTILE_FIELD = "cf-turnstile-response";

/**
 * Builds the `orders.create` input of one form submission: the form's contacts and fields, the key's
 * defaults for what the form did not set, the visitor's Calltouch session, and an `orderNumber` when
 * the form gives none. Fields the key forbids, and fields no deal has, are refused by name.
 *
 * @example
 * const built = orderFromForm({ name: "Анна", phone: "8 915 777-11-22" }, key, "3456789");
 */
export function orderFromForm(
  fields: FormFields,
  key: PublicKey,
  cookieSession: string | undefined,
  orderFields: ReadonlySet<string>,
): { ok: true; input: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const order: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field === TURNSTILE_FIELD || (CONTACT_FIELDS as readonly string[]).includes(field)) continue;
    if (key.forbid.includes(field)) errors.push(error(field, "this form may not set it"));
    else if (!orderFields.has(field)) errors.push(error(field, "no deal has such a field"));
    else order[field] = field === "tags" ? [value].flat() : single(value);
  }
  if (errors.length > 0) return { ok: false, errors };

  const [name, phone, email] = CONTACT_FIELDS.map((field) => single(fields[field] ?? "").trim() || undefined);
  if (!phone && !email) {
    return { ok: false, errors: [error("phone", "give a phone number or an e-mail so that the deal can be matched")] };
  }
  const input: Record<string, unknown> = {
    ...key.defaults,
    ...order,
    orderNumber: order.orderNumber ?? generatedOrderNumber(),
    sessionId: order.sessionId ?? cookieSession,
    ...(phone ? { phones: [phone] } : {}),
    ...(email ? { emails: [email] } : {}),
    orderContacts: { mainContacts: { fio: name, phoneNumber: phone, email } },
  };
  return { ok: true, input };
}

/**
 * The form field a contract error is about: the visitor typed `phone`, not `phones[0]`. Errors that
 * land on the same form field are kept once.
 *
 * @example formFieldErrors([{ path: ["phones", 0], field: "phones[0]", message: "…" }]) // field "phone"
 */
export function formFieldErrors(errors: readonly FieldError[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const fieldError of errors) {
    const field = formFieldOf(fieldError.path);
    if (!byField.has(field)) byField.set(field, { ...fieldError, field });
  }
  return [...byField.values()];
}

function formFieldOf(path: readonly (string | number)[]): string {
  const [head, , leaf] = path;
  if (head === "phones") return "phone";
  if (head === "emails") return "email";
  if (head === "orderContacts") return leaf === "fio" ? "name" : leaf === "email" ? "email" : "phone";
  return typeof head === "string" ? head : "";
}

function single(value: string | string[]): string {
  return Array.isArray(value) ? (value.at(-1) ?? "") : value;
}

function error(field: string, message: string): FieldError {
  return { path: [field], field, message };
}

/** A deal id for a form that has none: sortable by time, unique without coordination. */
function generatedOrderNumber(): string {
  return `web-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}
