/**
 * `/console`: the operators' pages, served by the gateway itself. An admin key signs in once (`access/`
 * checks it and signs the session); every page then reads the session cookie, and every state-changing
 * request must come from a console page: same origin (`Origin`, `Sec-Fetch-Site`) and the session's CSRF
 * token. The pages reach the outboxes only through the deliveries service, and run no script.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { admitOperator, type Body, type BodyVariables, csrfMatches, knockOf, openSession, readSession, type Session } from "../access";
import { Hono } from "../hono";
import {
  deadLettersOf,
  deadReasonsOf,
  findDeals,
  keyUseOf,
  overviewOf,
  replayChanges,
  replayReason,
  resumeDelivery,
} from "../services/deliveries";
import type { Settings } from "../settings";
import type { PageContext } from "./layout";
import { confirmView, dealsView, keysView, lettersView, messageView, overviewView, reasonsView, replayedView, signInView } from "./views";
import { type ConsoleLanguage, LANGUAGES, loadWords, wordsOf } from "./words";

type ConsoleEnv = {
  Bindings: Env;
  Variables: { settings: Settings; requestId: string; sessionKey: string; language: ConsoleLanguage; session: Session } & BodyVariables;
};
type ConsoleContext = Context<ConsoleEnv>;

/** The session cookie: `__Host-` binds it to this host, over HTTPS, for every path. */
export const SESSION_COOKIE = "__Host-console-session";
const LANGUAGE_COOKIE = "console-language";
const LETTERS_PER_PAGE = 50;

export const consoleDoor = new Hono<ConsoleEnv>();

// Pages that may show personal data: never cached, never framed, nothing loaded from anywhere.
consoleDoor.use(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  // Not `no-referrer`: with it a browser sends `Origin: null` on the pages' own forms, which the check below refuses.
  c.header("Referrer-Policy", "same-origin");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
});

// The words of every page, read from the static assets at the console's first request of an isolate.
consoleDoor.use(async (c, next) => {
  await loadWords(c.env.ASSETS, c.req.url);
  await next();
});

// Russian first; `?lang=en` switches, and the choice is kept.
consoleDoor.use(async (c, next) => {
  const asked = c.req.query("lang");
  const kept = getCookie(c, LANGUAGE_COOKIE);
  const language = LANGUAGES.find((one) => one === asked) ?? LANGUAGES.find((one) => one === kept) ?? "ru";
  if (asked === language)
    setCookie(c, LANGUAGE_COOKIE, language, { path: "/console", sameSite: "Strict", secure: true, maxAge: 31_536_000 });
  c.set("language", language);
  await next();
});

consoleDoor.use(async (c, next) => {
  const key = c.var.settings.console.sessionKey;
  if (key === undefined) return c.html(messageView(contextOf(c), wordsOf(c.var.language)("title"), wordsOf(c.var.language)("off")), 503);
  c.set("sessionKey", key);
  await next();
});

// Every POST comes from a console page: a browser says where a request comes from, and a page of another
// site cannot say it is this one. (The session's token is checked too, below: a browser's word is not enough.)
consoleDoor.use(async (c, next) => {
  if (c.req.method !== "POST") return next();
  const fetchSite = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  if ((fetchSite !== undefined && fetchSite !== "same-origin") || (origin !== undefined && origin !== new URL(c.req.url).origin)) {
    return c.html(messageView(contextOf(c), wordsOf(c.var.language)("title"), wordsOf(c.var.language)("forbidden")), 403);
  }
  // The body as the edge read it (access/body): a refusal (type, charset, size) is said here, as a page.
  if (!c.var.body.ok)
    return c.html(messageView(contextOf(c), wordsOf(c.var.language)("title"), c.var.body.error.message), c.var.body.error.status);
  await next();
});

consoleDoor.post("/sign-in", async (c) => {
  const t = wordsOf(c.var.language);
  const key = (fieldsOf(c).find(([name]) => name === "key")?.[1] ?? "").trim();
  const admitted = await admitOperator(knockOf(c, key || undefined, c.var.language), c.env, c.var.settings.keys);
  if (!admitted.ok) {
    if (admitted.error.retryAfter !== undefined) c.header("Retry-After", String(admitted.error.retryAfter));
    return c.html(
      signInView(contextOf(c), admitted.error.status === 429 ? t("tooMany") : t("wrongKey")),
      admitted.error.status === 429 ? 429 : 401,
    );
  }
  const { cookie } = await openSession(c.var.sessionKey, admitted.value.keyId, c.var.settings.console.sessionMs);
  setCookie(c, SESSION_COOKIE, cookie, {
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    maxAge: Math.floor(c.var.settings.console.sessionMs / 1000),
  });
  return c.redirect("/console", 303);
});

/** Signed in, or the sign-in page; a POST must also carry the session's token. */
const signedIn: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const t = wordsOf(c.var.language);
  const session = await readSession(c.var.sessionKey, getCookie(c, SESSION_COOKIE), c.var.settings.keys);
  if (!session.ok) {
    if (session.error !== "none") deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.html(signInView(contextOf(c), session.error === "expired" ? t("expired") : undefined), 401);
  }
  if (c.req.method === "POST") {
    const csrf = fieldsOf(c).find(([name]) => name === "csrf")?.[1];
    if (!csrfMatches(session.value, csrf)) return c.html(messageView(contextOf(c), t("title"), t("forbidden")), 403);
  }
  c.set("session", session.value);
  await next();
};

consoleDoor.use("*", signedIn);

consoleDoor.post("/sign-out", (c) => {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
  return c.redirect("/console", 303);
});

consoleDoor.get("/", async (c) => {
  const overviews = await Promise.all(
    sitesOf(c).map((site) => overviewOf({ env: c.env, principal: { site } }, c.var.settings.calltouch.timeZone)),
  );
  return c.html(overviewView(contextOf(c), overviews));
});

consoleDoor.post("/sites/:site/resume", async (c) => {
  const site = siteOf(c);
  if (site === undefined) return c.notFound();
  const t = wordsOf(c.var.language);
  const { resumed } = await resumeDelivery({ env: c.env, principal: { site } });
  const overviews = await Promise.all(
    sitesOf(c).map((one) => overviewOf({ env: c.env, principal: { site: one } }, c.var.settings.calltouch.timeZone)),
  );
  return c.html(overviewView(contextOf(c), overviews, resumed ? t("resumed") : t("notPaused")));
});

consoleDoor.get("/sites/:site/dead", async (c) => {
  const site = siteOf(c);
  if (site === undefined) return c.notFound();
  return c.html(reasonsView(contextOf(c), site, await deadReasonsOf({ env: c.env, principal: { site } })));
});

consoleDoor.get("/sites/:site/dead/letters", async (c) => {
  const site = siteOf(c);
  if (site === undefined) return c.notFound();
  const reason = c.req.query("reason") ?? "";
  const after = Number.parseInt(c.req.query("after") ?? "0", 10);
  const page = await deadLettersOf({ env: c.env, principal: { site } }, reason, {
    limit: LETTERS_PER_PAGE,
    after: Number.isSafeInteger(after) && after > 0 ? after : 0,
  });
  return c.html(lettersView(contextOf(c), site, reason, page));
});

// The confirmation: what a replay would send, counted, before anything is sent. A GET: it changes nothing.
consoleDoor.get("/sites/:site/replay", async (c) => {
  const site = siteOf(c);
  if (site === undefined) return c.notFound();
  const reason = c.req.query("reason");
  if (reason !== undefined) {
    const { reasons } = await deadReasonsOf({ env: c.env, principal: { site } });
    return c.html(confirmView(contextOf(c), site, { reason }, reasons.find((group) => group.reason === reason)?.count ?? 0));
  }
  const ids = changeIdsOf(c.req.queries("id") ?? []);
  return c.html(confirmView(contextOf(c), site, { ids }, ids.length));
});

consoleDoor.post("/sites/:site/replay", async (c) => {
  const site = siteOf(c);
  if (site === undefined) return c.notFound();
  const fields = fieldsOf(c);
  const caller = { env: c.env, principal: { site } };
  const reason = fields.find(([name]) => name === "reason")?.[1];
  const ids = changeIdsOf(fields.filter(([name]) => name === "id").map(([, value]) => value));
  const result = reason !== undefined ? await replayReason(caller, reason) : await replayChanges(caller, { changeIds: ids });
  return c.html(replayedView(contextOf(c), site, result));
});

consoleDoor.get("/deals", async (c) => {
  const sites = sitesOf(c);
  const site = sites.find((one) => one === c.req.query("site")) ?? sites[0]!;
  const query = (c.req.query("q") ?? "").slice(0, 200);
  const found = query.trim() === "" ? undefined : await findDeals({ env: c.env, principal: { site } }, query);
  return c.html(dealsView(contextOf(c), sites, site, query, found));
});

consoleDoor.get("/keys", async (c) => {
  const { keys } = c.var.settings;
  const sites = [...new Set(keys.map((key) => key.site))];
  const used = new Map(await Promise.all(sites.map(async (site) => [site, await keyUseOf({ env: c.env, principal: { site } })] as const)));
  const rows = keys.map((key) => ({
    id: key.id,
    type: key.type,
    name: key.name,
    scopes: key.type === "secret" ? key.scopes : ["leads"],
    site: key.site,
    origins: key.type === "public" ? key.origins : [],
    lastUsedAt: used.get(key.site)?.[key.id],
  }));
  return c.html(keysView(contextOf(c), rows));
});

/** A console form's fields, in order (a selection repeats `id`); none when the body was no form. */
function fieldsOf(c: ConsoleContext): Extract<Body, { type: "form" }>["fields"] {
  const body = c.var.body;
  return body.ok && body.value.type === "form" ? body.value.fields : [];
}

/** Every site the gateway serves: each with a token in the settings. */
function sitesOf(c: ConsoleContext): string[] {
  return [...c.var.settings.sites.keys()];
}

/** The path's site, if the gateway serves it. */
function siteOf(c: ConsoleContext): string | undefined {
  const site = c.req.param("site");
  return site !== undefined && c.var.settings.sites.has(site) ? site : undefined;
}

/** Change ids of a form or query: whole numbers, at most a call's worth, each once. */
function changeIdsOf(values: readonly unknown[]): number[] {
  const ids = values.map((value) => (typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : 0)).filter((id) => id > 0);
  return [...new Set(ids)].slice(0, 1000);
}

function contextOf(c: ConsoleContext): PageContext {
  const session = c.get("session") as Session | undefined;
  return { language: c.var.language, t: wordsOf(c.var.language), ...(session ? { csrf: session.csrf } : {}) };
}
