/**
 * The console's page frame: one stylesheet of the gateway's own (no font, script or file from anywhere), a
 * skip link, the navigation and the language switch. Usable from a phone's width up; focus is always visible.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ConsoleLanguage, Word } from "./words";

/** What every page of a signed-in operator knows. */
export interface PageContext {
  language: ConsoleLanguage;
  t: (word: Word) => string;
  /** The session's CSRF token, for the page's forms; absent on the sign-in page. */
  csrf?: string;
}

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The console's stylesheet, a static asset (worker/public/console.css) that Cloudflare serves without the
 * Worker: the pages link it rather than carry it inline.
 */
export const STYLESHEET = "/console.css";

/**
 * A whole page: `title` is its heading and the document's title.
 *
 * @example c.html(page(context, t("overview"), html`…`))
 */
export function page(context: PageContext, title: string, content: Content) {
  const { t, language } = context;
  const other = language === "ru" ? "en" : "ru";
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t("title")}</title>
<link rel="stylesheet" href="${STYLESHEET}">
</head>
<body>
<a class="skip" href="#main">${t("skip")}</a>
<header>
  <strong>${t("title")}</strong>
  ${
    context.csrf
      ? html`<nav aria-label="${t("title")}">
          <a href="/console">${t("overview")}</a>
          <a href="/console/deals">${t("findDeal")}</a>
          <a href="/console/keys">${t("keys")}</a>
        </nav>`
      : html`<nav></nav>`
  }
  <a href="?lang=${other}" lang="${other}" hreflang="${other}">${t("language")}</a>
  ${
    context.csrf
      ? html`<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${context.csrf}"><button class="secondary" type="submit">${t("signOut")}</button></form>`
      : ""
  }
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${content}
</main>
</body>
</html>`;
}

/** The console's links and forms: a site's paths, with its id escaped. */
export const sitePath = (site: string, rest: string) => `/console/sites/${encodeURIComponent(site)}/${rest}`;
