/**
 * The console's page frame: one stylesheet inline (no font, script or file from anywhere), a skip link, the
 * navigation and the language switch. Usable from a phone's width up; focus is always visible.
 */
import { html, raw } from "hono/html";
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

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#f6f6f4}
a{color:#0b57d0}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:2}
header{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:10px 16px;background:#1d1d1f;color:#fff}
header a{color:#fff}header nav{display:flex;flex-wrap:wrap;gap:4px 14px;flex:1}
header form{margin:0}
main{padding:16px;max-width:1100px;margin:0 auto;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.2rem 0 .6rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:14px;margin:0 0 16px}
.numbers{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin:0}
.numbers div{margin:0}.numbers dt{font-size:.85rem;color:#555}.numbers dd{margin:0;font-size:1.3rem;font-weight:600}
.paused{background:#fdecea;border-left:4px solid #b3261e;padding:8px 10px;margin:10px 0}
.ok{color:#1b7f3b}
.notice{background:#e8f0fe;border-left:4px solid #0b57d0;padding:8px 10px}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:8px 10px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top}th{overflow-wrap:normal}
.scroll{overflow-x:auto}
pre{white-space:pre-wrap;word-break:break-word;background:#f3f3f3;padding:8px;margin:4px 0;font-size:.85rem;max-width:60ch}
button,input[type=text],input[type=password],input[type=search],select{font:inherit;padding:8px 10px;border:1px solid #888;border-radius:6px}
button{background:#0b57d0;color:#fff;border-color:#0b57d0;cursor:pointer}
button.secondary{background:#fff;color:#0b57d0}
label{display:block;margin:0 0 4px;font-weight:600}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
.chart svg{width:100%;height:160px;background:#fafafa;border:1px solid #e3e3e3}
.chart figcaption{font-size:.9rem}.chart{margin:8px 0}
.legend{margin-right:12px}.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
@media (max-width:600px){main{padding:10px}th,td{padding:4px}}
`;

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
<style>${raw(STYLE)}</style>
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
