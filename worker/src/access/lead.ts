/**
 * The deal a public key's lead becomes: the lead's contacts, comment, session, UTM tags and allowed custom
 * fields, over the key's defaults, under an order number the gateway assigns. A lead can only ever be a
 * new deal: nothing a visitor sends can name, or reach, a deal of the CRM's.
 */
import {
  type FieldError,
  fieldError,
  foreignFieldMessage,
  type Lead,
  type OrderCreate,
  orderCreateInput,
  parseIn,
  toFieldErrors,
} from "@calltouch-gateway/contract";
import type { PublicKey } from "../key-file";
import type { Result } from "../result";

/**
 * The order number of a new lead of the key `keyId`: the key's id, then a time-ordered id (the
 * milliseconds in 9 base-36 digits, so that numbers sort by time, then 50 random bits). Unguessable and
 * never a CRM's own number, whose deals a lead must not touch.
 *
 * @example leadNumber("shop-form", new Date()) // "shop-form-mi3k2x7q1-4k0v9c2m1d"
 */
export function leadNumber(keyId: string, now: Date): string {
  const time = now.getTime().toString(36).padStart(9, "0");
  const random = Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => (byte % 32).toString(32)).join("");
  return `${keyId}-${time}-${random}`;
}

/**
 * The order of a validated lead of `key`; field errors when it names a custom field the key does not allow.
 *
 * @example
 * const order = orderOfLead(principal.key, leadInput.parse({ phone: "8 915 777-11-22" }), new Date());
 * if (order.ok) await acceptLead(caller, order.value);
 */
export function orderOfLead(key: PublicKey, lead: Lead, now: Date): Result<OrderCreate, FieldError[]> {
  const given = Object.entries(lead.customFields ?? {});
  const foreign = given.filter(([name]) => !key.customFields.includes(name));
  if (foreign.length > 0)
    return { ok: false, error: foreign.map(([name]) => fieldError(["customFields", name], foreignFieldMessage(name))) };

  const defaults = key.defaults as Record<string, unknown> & { customFields?: unknown[]; source?: unknown };
  const customFields = [
    ...(defaults.customFields ?? []),
    ...given.flatMap(([field, value]) => (value === undefined ? [] : [{ field, value }])),
  ];
  // Visitors read Russian, whatever their browser asks for.
  const order = parseIn(
    orderCreateInput,
    {
      ...defaults,
      orderNumber: leadNumber(key.id, now),
      phones: lead.phone === undefined ? undefined : [lead.phone],
      emails: lead.email === undefined ? undefined : [lead.email],
      sessionId: lead.sessionId,
      comment: lead.comment,
      orderContacts: { mainContacts: { fio: lead.name, phoneNumber: lead.phone, email: lead.email } },
      // The page's UTM tags say where the visitor came from better than the key's fixed source, when they name one.
      source: lead.utm?.source === undefined ? defaults.source : lead.utm,
      customFields: customFields.length > 0 ? customFields : undefined,
    },
    "ru",
  );
  // The lead and the defaults were each validated by the same rules, so a failure here is the gateway's own.
  return order.success ? { ok: true, value: order.data } : { ok: false, error: toFieldErrors(order.error) };
}
