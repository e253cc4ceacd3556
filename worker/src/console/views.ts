/**
 * The console's views, each a function from what the services answered to HTML. Hono's `html` escapes
 * every value, so that a deal's fields, Calltouch's texts and a searched phrase are text, never markup.
 */
import type { DeadLetterPage, DeadReasons, DealsFound, OrderStatus, Replayed, SiteOverview } from "@calltouch-gateway/contract";
import { html } from "hono/html";
import { chartOf } from "./chart";
import { type PageContext, page, sitePath } from "./layout";

const duration = (ms: number) => {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

/** The sign-in form, with what went wrong, if anything. */
export function signInView(context: PageContext, problem?: string) {
  const { t } = context;
  return page(
    context,
    t("signInTitle"),
    html`${problem ? html`<p class="error" role="alert">${problem}</p>` : ""}
      <form class="card" method="post" action="/console/sign-in">
        <p>${t("signInHint")}</p>
        <label for="key">${t("adminKey")}</label>
        <div class="row">
          <input id="key" name="key" type="password" autocomplete="current-password" required size="40">
          <button type="submit">${t("signIn")}</button>
        </div>
      </form>`,
  );
}

/** A page that only says something (the console is off, a request was refused). */
export function messageView(context: PageContext, title: string, message: string) {
  return page(context, title, html`<p class="error" role="alert">${message}</p>`);
}

/** Every site's numbers, pause and day. */
export function overviewView(context: PageContext, sites: SiteOverview[], notice?: string) {
  const { t } = context;
  return page(
    context,
    t("overview"),
    html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
      ${sites.map(
        (site) => html`<section class="card" aria-labelledby="site-${site.site}">
          <h2 id="site-${site.site}">${t("site")} ${site.site}</h2>
          ${
            site.paused
              ? html`<div class="paused" role="status">
                  <strong>${t("paused")}</strong> ${t("pausedSince")} <time datetime="${site.paused.since}">${site.paused.since}</time>:
                  ${site.paused.reason}
                  <form method="post" action="${sitePath(site.site, "resume")}">
                    <input type="hidden" name="csrf" value="${context.csrf}">
                    <button type="submit">${t("resume")}</button>
                  </form>
                </div>`
              : html`<p class="ok">${t("running")}</p>`
          }
          <dl class="numbers">
            <div><dt>${t("queued")}</dt><dd>${site.queued}</dd></div>
            <div><dt>${t("inFlight")}</dt><dd>${site.inFlight}</dd></div>
            <div><dt>${t("deliveredToday")}</dt><dd>${site.deliveredToday}</dd></div>
            <div><dt>${t("dead")}</dt><dd><a href="${sitePath(site.site, "dead")}">${site.dead}</a></dd></div>
            <div><dt>${t("oldestQueued")}</dt><dd>${site.queued > 0 ? duration(site.oldestQueuedAgeMs) : "—"}</dd></div>
          </dl>
          ${chartOf(site.perMinute, t)}
        </section>`,
      )}`,
  );
}

/** A site's dead letters by reason, each group with a link to its letters and a replay of the whole group. */
export function reasonsView(context: PageContext, site: string, { reasons }: DeadReasons) {
  const { t } = context;
  return page(
    context,
    `${t("deadLetters")} · ${t("site")} ${site}`,
    reasons.length === 0
      ? html`<p>${t("noDead")}</p>`
      : html`<div class="scroll"><table>
          <thead><tr><th scope="col">${t("reason")}</th><th scope="col">${t("count")}</th><th scope="col">${t("latest")}</th><th scope="col"></th></tr></thead>
          <tbody>
          ${reasons.map(
            (group) => html`<tr>
              <td>${group.reason}</td><td>${group.count}</td><td><time datetime="${group.latestAt}">${group.latestAt}</time></td>
              <td class="row">
                <a href="${sitePath(site, `dead/letters?reason=${encodeURIComponent(group.reason)}`)}">${t("show")}<span class="skip"> ${group.reason}</span></a>
                <a href="${sitePath(site, `replay?reason=${encodeURIComponent(group.reason)}`)}">${t("replayAll")}<span class="skip"> ${group.reason}</span></a>
              </td>
            </tr>`,
          )}
          </tbody></table></div>`,
  );
}

/** One reason's dead letters: each deal, the JSON it went as and the answer, with boxes to replay a selection. */
export function lettersView(context: PageContext, site: string, reason: string, { letters, next }: DeadLetterPage) {
  const { t } = context;
  return page(
    context,
    `${t("deadLetters")} · ${t("site")} ${site}`,
    html`<p><strong>${t("reason")}:</strong> ${reason}</p>
      <form method="get" action="${sitePath(site, "replay")}">
        <div class="scroll"><table>
          <thead><tr><th scope="col">${t("select")}</th><th scope="col">${t("deal")}</th><th scope="col">${t("sent")}</th><th scope="col">${t("answer")}</th></tr></thead>
          <tbody>
          ${letters.map(
            (letter) => html`<tr>
              <td><input type="checkbox" name="id" value="${letter.changeId}" id="letter-${letter.changeId}"
                aria-label="${t("select")} ${t("change")} ${letter.changeId}, ${t("deal")} ${letter.orderNumber}"></td>
              <td><a href="/console/deals?site=${encodeURIComponent(site)}&amp;q=${encodeURIComponent(letter.orderNumber)}">${letter.orderNumber}</a>
                <br>${t("change")} ${letter.changeId} · ${letter.kind}${letter.sentAs && letter.sentAs !== letter.kind ? ` → ${letter.sentAs}` : ""} · ${t("attempts")} ${letter.attempts}</td>
              <td><pre>${JSON.stringify(letter.sent, null, 2)}</pre></td>
              <td>${letter.error ?? ""}</td>
            </tr>`,
          )}
          </tbody></table></div>
        <p class="row">
          <button type="submit">${t("replaySelected")}</button>
          ${next === undefined ? "" : html`<a href="${sitePath(site, `dead/letters?reason=${encodeURIComponent(reason)}&after=${next}`)}">${t("nextPage")}</a>`}
        </p>
      </form>`,
  );
}

/** What a replay will send, before it does: the count, and the form that sends it (with the session's token). */
export function confirmView(context: PageContext, site: string, what: { reason: string } | { ids: number[] }, count: number) {
  const { t } = context;
  return page(
    context,
    t("confirmTitle"),
    count === 0
      ? html`<p>${t("nothingSelected")}</p><p><a href="${sitePath(site, "dead")}">${t("cancel")}</a></p>`
      : html`<form class="card" method="post" action="${sitePath(site, "replay")}">
          <p role="status"><strong>${t("confirmText")}${count}</strong>${"reason" in what ? html` (${t("reason")}: ${what.reason})` : ""}</p>
          <input type="hidden" name="csrf" value="${context.csrf}">
          ${"reason" in what ? html`<input type="hidden" name="reason" value="${what.reason}">` : what.ids.map((id) => html`<input type="hidden" name="id" value="${id}">`)}
          <p class="row"><button type="submit">${t("confirm")}</button> <a href="${sitePath(site, "dead")}">${t("cancel")}</a></p>
        </form>`,
  );
}

/** What a replay did. */
export function replayedView(context: PageContext, site: string, result: Replayed) {
  const { t } = context;
  return page(
    context,
    t("deadLetters"),
    html`<p class="notice" role="status">${t("replayedCount")}${result.replayed.length}</p>
      ${
        result.refused.length > 0
          ? html`<p>${t("refusedCount")}${result.refused.length}</p><ul>${result.refused.map((refused) => html`<li>${refused.reason}</li>`)}</ul>`
          : ""
      }
      <p><a href="/console">${t("overview")}</a> · <a href="${sitePath(site, "dead")}">${t("deadLetters")}</a></p>`,
  );
}

/** The search form, and what it found: each deal's changes in order and what the ledger believes. */
export function dealsView(context: PageContext, sites: readonly string[], site: string, query: string, found: DealsFound | undefined) {
  const { t } = context;
  return page(
    context,
    t("findDeal"),
    html`<form class="card row" method="get" action="/console/deals" role="search">
        <div><label for="site">${t("site")}</label>
          <select id="site" name="site">${sites.map((id) => html`<option value="${id}" ${id === site ? "selected" : ""}>${id}</option>`)}</select></div>
        <div><label for="q">${t("search")}</label><input id="q" name="q" type="search" value="${query}" required></div>
        <button type="submit">${t("find")}</button>
      </form>
      ${found === undefined ? "" : found.orders.length === 0 ? html`<p role="status">${t("notFound")}</p>` : found.orders.map((order) => dealView(context, order))}`,
  );
}

function dealView({ t }: PageContext, order: OrderStatus) {
  return html`<section class="card" aria-labelledby="deal-${order.changes[0]?.changeId ?? 0}">
    <h2 id="deal-${order.changes[0]?.changeId ?? 0}">${t("deal")} ${order.orderNumber} · ${order.state}</h2>
    <p><strong>${t("ledger")}:</strong>
      ${
        order.ledger
          ? html`${t("ledgerKnown")}${order.ledger.calltouchOrderId === undefined ? "" : ` (${t("calltouchId")} ${order.ledger.calltouchOrderId})`},
            ${t("pausedSince")} <time datetime="${order.ledger.since}">${order.ledger.since}</time>${
              order.ledger.learnedFrom === undefined ? "" : `, ${t("learnedFrom")} ${order.ledger.learnedFrom}`
            }`
          : t("ledgerNone")
      }</p>
    <div class="scroll"><table>
      <thead><tr><th scope="col">${t("change")}</th><th scope="col">${t("kind")}</th><th scope="col">${t("state")}</th><th scope="col">${t("attempts")}</th><th scope="col">${t("calltouchId")}</th><th scope="col">${t("accepted")}</th><th scope="col">${t("answer")}</th></tr></thead>
      <tbody>${order.changes.map(
        (
          change,
        ) => html`<tr><td>${change.changeId}</td><td>${change.kind}${change.sentAs && change.sentAs !== change.kind ? ` → ${change.sentAs}` : ""}</td>
          <td>${change.state}</td><td>${change.attempts}</td><td>${change.calltouchOrderId ?? ""}</td>
          <td><time datetime="${change.acceptedAt}">${change.acceptedAt}</time></td><td>${change.error ?? ""}</td></tr>`,
      )}</tbody>
    </table></div>
  </section>`;
}

/** One key as the keys view shows it: what it may do and where, never its secret or hash. */
export interface KeyRow {
  id: string;
  type: "secret" | "public";
  name: string | undefined;
  scopes: readonly string[];
  site: string;
  origins: readonly string[];
  lastUsedAt: number | undefined;
}

/** Every key of `API_KEYS`, with when it last had a change accepted. */
export function keysView(context: PageContext, keys: readonly KeyRow[]) {
  const { t } = context;
  return page(
    context,
    t("keys"),
    html`<p>${t("keysHint")}</p>
      <div class="scroll"><table>
        <thead><tr><th scope="col">${t("keyId")}</th><th scope="col">${t("keyType")}</th><th scope="col">${t("scopes")}</th><th scope="col">${t("site")}</th><th scope="col">${t("origins")}</th><th scope="col">${t("lastUsed")}</th></tr></thead>
        <tbody>${keys.map(
          (key) => html`<tr><td>${key.id}${key.name ? html`<br><small>${key.name}</small>` : ""}</td><td>${key.type}</td>
            <td>${key.scopes.join(", ")}</td><td>${key.site}</td><td>${key.origins.join(", ")}</td>
            <td>${key.lastUsedAt === undefined ? t("never") : html`<time datetime="${new Date(key.lastUsedAt).toISOString()}">${new Date(key.lastUsedAt).toISOString().slice(0, 16).replace("T", " ")} UTC</time>`}</td></tr>`,
        )}</tbody>
      </table></div>`,
  );
}
