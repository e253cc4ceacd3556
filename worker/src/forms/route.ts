import { type FieldError, orderCreateInput, toFieldErrors } from "@calltouch-gateway/contract";
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { findKey, type PublicKey } from "../auth/keys";
import { log } from "../log";
import { acceptLead } from "../services/orders";
import type { Settings } from "../settings";
import { acceptedPage, invalidPage, refusedPage } from "./pages";
import { type FormFields, formFieldErrors, orderFromForm, TURNSTILE_FIELD } from "./submission";
import { verifyTurnstile } from "./turnstile";

type FormsEnv = { Bindings: Env; Variables: { settings: Settings; requestId: string } };
type FormsContext = Context<FormsEnv>;

const ORDER_FIELDS = new Set(Object.keys(orderCreateInput.shape));
const ALLOW_HEADERS = "Content-Type, Accept";

/**
 * `POST /forms/{publicKey}`: deals straight from website forms, with a public key that may only create
 * them, only from its origins, within a per-visitor rate limit, optionally behind Turnstile. A plain HTML
 * form gets a redirect or a page; `Accept: application/json` gets JSON.
 */
export const forms = new Hono<FormsEnv>();

forms.options("/:key", async (c) => {
  const key = await allowedKey(c);
  if (!key.ok) return key.response;
  c.header("Access-Control-Allow-Methods", "POST");
  c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
  c.header("Access-Control-Max-Age", "600");
  return c.body(null, 204);
});

forms.post("/:key", async (c) => {
  const allowed = await allowedKey(c);
  if (!allowed.ok) return allowed.response;
  const { key } = allowed;
  const settings = c.get("settings");
  const ip = c.req.header("cf-connecting-ip");

  const { success } = await c.env.FORM_RATE_LIMITER.limit({ key: `${key.id}:${ip ?? "unknown"}` });
  if (!success) {
    c.header("Retry-After", "60");
    return refuse(c, 429, "Too many submissions from this visitor; retry in a minute");
  }

  const fields = await readFields(c);
  if (!fields) return invalid(c, [{ path: [], field: "", message: "send the form as form data or JSON" }]);
  if (key.turnstile) {
    const turnstile = await verifyTurnstile(single(fields[TURNSTILE_FIELD]), ip, settings.turnstile);
    if (!turnstile.ok) return invalid(c, [{ path: [TURNSTILE_FIELD], field: TURNSTILE_FIELD, message: turnstile.reason }], 403);
  }

  const built = orderFromForm(fields, key, getCookie(c, "_ct_session_id"), ORDER_FIELDS);
  if (!built.ok) return invalid(c, built.errors);
  const order = orderCreateInput.safeParse(built.input);
  if (!order.success) return invalid(c, formFieldErrors(toFieldErrors(order.error)));

  const accepted = await acceptLead({ env: c.env, requestId: c.get("requestId"), site: key.site, keyId: key.id }, order.data);
  if (!accepted.ok) return refuse(c, 409, accepted.error.message);
  const receipt = accepted.value;
  log("info", "form accepted", { requestId: c.get("requestId"), key: key.id, orderNumber: receipt.orderNumber });
  if (wantsJson(c)) return c.json({ receipt });
  return key.thankYouUrl ? c.redirect(key.thankYouUrl, 303) : c.html(acceptedPage(receipt.orderNumber, formPage(c)));
});

/**
 * The public key of the path, if the request's origin may use it. Allowed origins get the CORS grant on
 * every answer; any other page gets a 403 and no grant.
 */
async function allowedKey(c: FormsContext): Promise<{ ok: true; key: PublicKey } | { ok: false; response: Response }> {
  const entry = await findKey(c.req.param("key") ?? "", c.get("settings").keys);
  if (entry?.type !== "public") return { ok: false, response: await refuse(c, 401, "Unknown form key") };
  const origin = c.req.header("origin");
  if (!origin || !entry.origins.includes(origin)) {
    return { ok: false, response: await refuse(c, 403, "This page may not send deals with this form key") };
  }
  c.header("Access-Control-Allow-Origin", origin);
  // The helper script tells the visitor when to try again.
  c.header("Access-Control-Expose-Headers", "Retry-After");
  c.header("Vary", "Origin");
  return { ok: true, key: entry };
}

async function readFields(c: FormsContext): Promise<FormFields | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (type.startsWith("application/json")) {
    const body = await c.req.json().catch(() => undefined);
    if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
    return Object.fromEntries(
      Object.entries(body).map(([field, value]) => [field, Array.isArray(value) ? value.map(String) : String(value ?? "")]),
    );
  }
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    const body = await c.req.parseBody({ all: true });
    // Files are not part of a deal; only text fields are read.
    return Object.fromEntries(
      Object.entries(body).map(([field, value]) => [field, [value].flat().filter((item) => typeof item === "string")]),
    ) as FormFields;
  }
  return undefined;
}

function wantsJson(c: FormsContext): boolean {
  return (c.req.header("accept") ?? "").includes("application/json");
}

function invalid(c: FormsContext, errors: FieldError[], status: 400 | 403 = 400) {
  const message = errors.map((error) => (error.field ? `${error.field}: ${error.message}` : error.message)).join("; ");
  return wantsJson(c) ? c.json({ error: { message, fieldErrors: errors } }, status) : c.html(invalidPage(errors, formPage(c)), status);
}

function refuse(c: FormsContext, status: 401 | 403 | 409 | 429, message: string) {
  return wantsJson(c) ? c.json({ error: { message } }, status) : c.html(refusedPage(message), status);
}

/** The page the form was on, when the browser says so and it is one of the key's origins (checked before). */
function formPage(c: FormsContext): string | undefined {
  const referer = c.req.header("referer");
  return referer && URL.canParse(referer) && new URL(referer).origin === c.req.header("origin") ? referer : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.at(-1) : value;
}
