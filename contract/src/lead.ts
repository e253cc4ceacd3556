/**
 * A lead: what a website visitor may send through a public key (`leads.submit`, `POST /forms/{key}`).
 * A public key is an attacker's key, so a lead is an allow-list: contacts, a comment, the visitor's
 * Calltouch session, UTM tags, and the custom fields the key allows. Everything else of a deal (its
 * number, status, dates, money, tags) comes from the gateway and the key's defaults, never from the
 * visitor; naming it is refused. Messages are for the visitor, in Russian.
 */

import { type FieldError, fieldError } from "./errors";
import { canonicalEmail } from "./fields/email";
import { fail, optional, quote } from "./fields/field";
import { canonicalPhone } from "./fields/phone";
import { controlIn } from "./fields/text";
import { LIMITS } from "./limits";
import { orderCreateInput } from "./order";
import * as z from "./zod";

/** What a visitor is told about a field, in Russian. */
const SAY = {
  text: "ожидается текст",
  object: "ожидается объект с полями заявки",
  tooLong: (max: number) => `не длиннее ${max} символов`,
  control: (where: string) => `уберите управляющий символ (${where})`,
  phone: "проверьте номер телефона: например, +7 900 000-00-00",
  email: "проверьте адрес почты: например, name@example.ru",
  session: "идентификатор сессии Calltouch состоит из цифр",
  contact: "укажите телефон или e-mail, чтобы с вами могли связаться",
  orderNumber: "номер заявки назначает шлюз: его нельзя передать",
  keyDefault: "это поле задаёт владелец сайта в настройках ключа, а не форма",
  unknown: "такого поля в заявке нет",
  tooManyCustomFields: `не больше ${LIMITS.leadCustomFields} дополнительных полей`,
};

/** The most of a phone a visitor types, masks included; longer is no phone. */
const MAX_PHONE_CHARACTERS = 64;
/** Cloudflare's Turnstile tokens are at most this long. */
const MAX_TURNSTILE_TOKEN = 2048;

const visitorString = z.string({ error: SAY.text });

function text(max: number) {
  return optional(visitorString, (value, ctx) => {
    const trimmed = value.normalize("NFC").trim();
    const control = controlIn(trimmed);
    if (control) return fail(ctx, SAY.control(control));
    return trimmed.length <= max ? trimmed : fail(ctx, SAY.tooLong(max));
  });
}

const leadShape = {
  /** The visitor's name, as they wrote it. */
  name: text(LIMITS.text),
  /** In any mask; read as a Russian number unless it starts with + and a country code. */
  phone: optional(visitorString, (value, ctx) => (value.length <= MAX_PHONE_CHARACTERS && canonicalPhone(value)) || fail(ctx, SAY.phone)),
  email: optional(visitorString, (value, ctx) => canonicalEmail(value) ?? fail(ctx, SAY.email)),
  /** What the visitor wrote in the form's message field. */
  comment: text(LIMITS.leadComment),
  /** The visitor's Calltouch session (`_ct_session_id`): the deal is matched to their visit by it first. */
  sessionId: optional(visitorString, (value, ctx) => (/^\d{1,20}$/.test(value.trim()) ? value.trim() : fail(ctx, SAY.session))),
  /** The page's UTM tags: the deal's source when `source` is given, instead of the key's default source. */
  utm: optional(
    z.strictObject(
      {
        source: text(LIMITS.text),
        medium: text(LIMITS.text),
        campaign: text(LIMITS.text),
        content: text(LIMITS.text),
        term: text(LIMITS.text),
      },
      { error: (issue) => (issue.code === "unrecognized_keys" ? SAY.unknown : SAY.object) },
    ),
  ),
  /** Values of the custom fields the key allows, by name. */
  customFields: optional(
    z
      .record(z.string().check(z.maxLength(LIMITS.text, SAY.tooLong(LIMITS.text))), text(LIMITS.text), { error: SAY.object })
      .check(z.refine((fields) => Object.keys(fields).length <= LIMITS.leadCustomFields, SAY.tooManyCustomFields)),
  ),
  /** The token of Cloudflare Turnstile's widget, for keys that require it. */
  turnstileToken: optional(visitorString, (value, ctx) =>
    value.length <= MAX_TURNSTILE_TOKEN ? value : fail(ctx, SAY.tooLong(MAX_TURNSTILE_TOKEN)),
  ),
};

/**
 * The input of `leads.submit` (and of `POST /forms/{key}`, once its fields are read by {@link leadFromForm}).
 * Blank fields are not set; a phone or an e-mail is required.
 *
 * @example leadInput.parse({ name: "Анна", phone: "8 915 777-11-22", utm: { source: "yandex", medium: "cpc" } })
 */
export const leadInput = z
  .strictObject(leadShape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? foreignFieldsMessage(issue.keys) : SAY.object),
  })
  .check(
    z.superRefine((lead, ctx) => {
      if (lead.phone === undefined && lead.email === undefined) ctx.addIssue({ code: "custom", path: ["phone"], message: SAY.contact });
    }),
  );
/** A lead as a page writes it. @example const lead: LeadInput = { phone: "+7 915 777-11-22" }; */
export type LeadInput = z.input<typeof leadInput>;
/** A lead validated and normalized: the phone as digits, blanks dropped. */
export type Lead = z.output<typeof leadInput>;

const ORDER_FIELDS = new Set(Object.keys(orderCreateInput.shape));

/**
 * Why a lead may not carry the field `name`: the gateway numbers leads itself, the key's defaults set
 * the deal's own fields, and anything else is no field of a lead.
 *
 * @example foreignFieldMessage("status") // "это поле задаёт владелец сайта в настройках ключа, а не форма"
 */
export function foreignFieldMessage(name: string): string {
  if (name === "orderNumber") return SAY.orderNumber;
  return ORDER_FIELDS.has(name) ? SAY.keyDefault : SAY.unknown;
}

/** The most foreign fields one message names; the rest are counted. */
const NAMED_FIELDS = 5;

function foreignFieldsMessage(names: readonly string[]): string {
  if (names.length === 1) return foreignFieldMessage(names[0]!);
  const named = names.slice(0, NAMED_FIELDS).map((name) => `${quote(name)}: ${foreignFieldMessage(name)}`);
  return `${named.join("; ")}${names.length > NAMED_FIELDS ? `; и ещё ${names.length - NAMED_FIELDS}` : ""}`;
}

/**
 * What a form posts: one value per field, or a list for a repeated one. Values are text as form data
 * has them; a JSON form may hold anything, which the lead's schema then refuses by field.
 */
export type FormFields = Record<string, unknown>;

/** The form fields of a lead that are not its own names: UTM tags and Turnstile's widget. */
const FORM_NAMES = {
  utm_source: ["utm", "source"],
  utm_medium: ["utm", "medium"],
  utm_campaign: ["utm", "campaign"],
  utm_content: ["utm", "content"],
  utm_term: ["utm", "term"],
  "cf-turnstile-response": ["turnstileToken"],
} as const satisfies Record<string, readonly string[]>;
const LEAD_FIELDS = new Set(["name", "phone", "email", "comment", "sessionId"]);

/**
 * The form field names a public key may not allow as custom fields, because a lead reads them itself.
 *
 * @example RESERVED_FORM_FIELDS.has("phone") // true
 */
export const RESERVED_FORM_FIELDS: ReadonlySet<string> = new Set([...LEAD_FIELDS, ...Object.keys(FORM_NAMES), ...Object.keys(leadShape)]);

/**
 * A website form's fields as the {@link leadInput} they stand for: `name`, `phone`, `email`, `comment`,
 * `sessionId`, `utm_source` … `utm_term`, `cf-turnstile-response`, and the custom fields of
 * `customFieldNames` by their own names. Any other field is refused by name. A repeated field counts
 * by its last value.
 *
 * @example leadFromForm({ phone: "8 915 777-11-22", utm_source: "yandex", Город: "Москва" }, ["Город"])
 * // { lead: { phone: "8 915 777-11-22", utm: { source: "yandex" }, customFields: { Город: "Москва" } }, errors: [] }
 */
export function leadFromForm(
  fields: FormFields,
  customFieldNames: readonly string[],
): { lead: Record<string, unknown>; errors: FieldError[] } {
  const lead: Record<string, unknown> = {};
  const utm: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, values] of Object.entries(fields)) {
    const value: unknown = Array.isArray(values) ? values.at(-1) : values;
    // Own names only: a field named __proto__ or constructor is a field of no lead, not a path into the object.
    const mapped = Object.hasOwn(FORM_NAMES, name) ? (FORM_NAMES as Record<string, readonly string[]>)[name] : undefined;
    if (LEAD_FIELDS.has(name)) lead[name] = value;
    else if (mapped?.[0] === "utm") utm[mapped[1]!] = value;
    else if (mapped) lead[mapped[0]!] = value;
    else if (customFieldNames.includes(name)) customFields[name] = value;
    else errors.push(formFieldError(name, foreignFieldMessage(name)));
  }
  if (Object.keys(utm).length > 0) lead.utm = utm;
  if (Object.keys(customFields).length > 0) lead.customFields = customFields;
  return { lead, errors };
}

/**
 * The field errors of a lead named as the form's fields: `utm.source` is the form's `utm_source`, a
 * custom field is named by itself, the Turnstile token is `cf-turnstile-response`.
 *
 * @example formFieldErrors([{ path: ["utm", "source"], field: "utm.source", message: "…" }]) // [{ path: ["utm_source"], field: "utm_source", … }]
 */
export function formFieldErrors(errors: readonly FieldError[]): FieldError[] {
  // An error of the whole body (JSON that is no JSON) is about no field of the form.
  return errors.map((error) => (error.path.length === 0 ? error : formFieldError(formFieldOf(error.path), error.message)));
}

/** An error of one form field, named as the form names it (a form's names need not be identifiers). */
function formFieldError(name: string, message: string): FieldError {
  const { path } = fieldError([name], message);
  return { path, field: String(path[0]), message };
}

function formFieldOf(path: readonly (string | number)[]): string {
  const [head, leaf] = path;
  if (head === "customFields" && typeof leaf === "string") return leaf;
  const named = Object.entries(FORM_NAMES).find(([, mapped]) => mapped[0] === head && (mapped[1] === undefined || mapped[1] === leaf));
  return named?.[0] ?? (typeof head === "string" ? head : "");
}
