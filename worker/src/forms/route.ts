import {
  type FieldError,
  type FormFields,
  formFieldErrors,
  LIMITS,
  leadFromForm,
  leadInput,
  toFieldErrors,
} from "@calltouch-gateway/contract";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { type Body, type BodyVariables, gate, knockOf, leadCors, orderOfLead, type Refusal, refusal, verifyHuman } from "../access";
import { Hono } from "../hono";
import { log } from "../log";
import { acceptLead } from "../services/orders";
import type { Settings } from "../settings";
import { acceptedPage, invalidPage, refusedPage } from "./pages";

type FormsEnv = { Bindings: Env; Variables: { settings: Settings; requestId: string } & BodyVariables };
type FormsContext = Context<FormsEnv>;

const admitLead = gate("lead");

/**
 * `POST /forms/{publicKey}`: leads straight from website forms, with a public key that may only add new
 * leads, only from its origins, within a per-visitor rate limit, behind Turnstile unless the key opted
 * out. A plain HTML form gets a redirect or a page; `Accept: application/json` gets JSON. Everything a
 * visitor reads is in Russian.
 */
export const forms = new Hono<FormsEnv>();

forms.use(
  "/:key",
  leadCors((c) => c.req.param("key")),
);

forms.post("/:key", async (c) => {
  const settings = c.get("settings");
  if (!c.var.body.ok) return refuse(c, c.var.body.error);
  const knock = knockOf(c, c.req.param("key"), "ru");
  const admitted = await admitLead(knock, c.env, settings.keys);
  if (!admitted.ok) return refuse(c, admitted.error);
  const principal = admitted.value;

  const fields = readFields(c.var.body.value);
  if (!fields.ok) return refuse(c, fields.error);
  const { lead, errors } = leadFromForm(fields.value, principal.key.customFields);
  if (errors.length > 0) return invalid(c, errors);
  // Behind the site's own domain, the Calltouch script's cookie carries the session when the form does not.
  const cookie = getCookie(c, "_ct_session_id");
  if (lead.sessionId === undefined && cookie && /^\d{1,20}$/.test(cookie)) lead.sessionId = cookie;
  const parsed = leadInput.safeParse(lead);
  if (!parsed.success) return invalid(c, formFieldErrors(toFieldErrors(parsed.error)));

  const human = await verifyHuman(principal.key, parsed.data.turnstileToken, knock.ip, settings.turnstile);
  if (!human.ok) return refuse(c, human.error);
  const order = orderOfLead(principal.key, parsed.data, new Date());
  if (!order.ok) return invalid(c, formFieldErrors(order.error));
  const accepted = await acceptLead(
    { env: c.env, requestId: c.get("requestId"), site: principal.site, keyId: principal.keyId },
    order.value,
  );
  if (!accepted.ok) return c.json({ error: { message: accepted.error.message } }, 409);
  const receipt = accepted.value;
  log("info", "form accepted", { requestId: c.get("requestId"), key: principal.keyId, orderNumber: receipt.orderNumber });
  if (wantsJson(c)) return c.json({ receipt });
  return principal.key.thankYouUrl ? c.redirect(principal.key.thankYouUrl, 303) : c.html(acceptedPage(receipt.orderNumber, formPage(c)));
});

/**
 * The form's fields, as the edge read them (`c.var.body`): form data (its text fields) or a JSON object.
 * At most `LIMITS.leadFields` of them are read: a flood of tiny fields is refused, not walked.
 */
function readFields(body: Body): { ok: true; value: FormFields } | { ok: false; error: Refusal } {
  let entries: [string, unknown][] | undefined;
  if (body.type === "json" && typeof body.value === "object" && body.value !== null && !Array.isArray(body.value)) {
    entries = Object.entries(body.value);
  } else if (body.type === "form") entries = body.fields;
  if (entries === undefined) return { ok: false, error: refusal(400, "unreadable_body", "ru") };
  if (entries.length > LIMITS.leadFields) return { ok: false, error: refusal(413, "too_many_fields", "ru", { max: LIMITS.leadFields }) };
  // No prototype: a field named __proto__ is a field like any other, refused by name, not a way to change the object.
  const fields: FormFields = Object.create(null);
  for (const [name, value] of entries) {
    // Numbers and booleans read as text; a list or an object is left as it is, for the lead's schema to refuse, never walked.
    const text = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
    fields[name] = Object.hasOwn(fields, name) ? [fields[name], text].flat() : text;
  }
  return { ok: true, value: fields };
}

function wantsJson(c: FormsContext): boolean {
  return (c.req.header("accept") ?? "").includes("application/json");
}

function invalid(c: FormsContext, errors: FieldError[], status: Refusal["status"] = 400) {
  const message = errors.map((error) => (error.field ? `${error.field}: ${error.message}` : error.message)).join("; ");
  return wantsJson(c) ? c.json({ error: { message, fieldErrors: errors } }, status) : c.html(invalidPage(errors, formPage(c)), status);
}

/** A refusal as JSON or as a page; one about a field (Turnstile's token, a JSON key) names the form's field. */
function refuse(c: FormsContext, refused: Refusal) {
  if (refused.retryAfter !== undefined) c.header("Retry-After", String(refused.retryAfter));
  if (refused.fieldErrors !== undefined) return invalid(c, formFieldErrors(refused.fieldErrors), refused.status);
  if (refused.field !== undefined) {
    const [error] = formFieldErrors([{ path: [refused.field], field: refused.field, message: refused.message }]);
    return wantsJson(c)
      ? c.json({ error: { message: refused.message, fieldErrors: [error!] } }, refused.status)
      : c.html(invalidPage([error!], formPage(c)), refused.status);
  }
  return wantsJson(c)
    ? c.json({ error: { message: refused.message } }, refused.status)
    : c.html(refusedPage(refused.message), refused.status);
}

/** The page the form was on, when the browser says so and it is one of the key's origins (checked before). */
function formPage(c: FormsContext): string | undefined {
  const referer = c.req.header("referer");
  return referer && URL.canParse(referer) && new URL(referer).origin === c.req.header("origin") ? referer : undefined;
}
