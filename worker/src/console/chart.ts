/**
 * The overview's chart, drawn on the server as inline SVG (no script, no library, nothing fetched): one
 * line per series over the 1,440 minutes of the last 24 hours, on a shared scale.
 */
import type { SiteOverview } from "@calltouch-gateway/contract";
import { html } from "hono/html";
import type { Word } from "./words";

const WIDTH = 720;
const HEIGHT = 160;
const PAD = 4;

/** Each series with its colour (chosen to stay apart for the common colour blindnesses) and its dash. */
export const SERIES = [
  { key: "delivered", word: "delivered", colour: "#1b7f3b", dash: "" },
  { key: "dead", word: "refused", colour: "#b3261e", dash: "" },
  { key: "retried", word: "retried", colour: "#a15c00", dash: "4 3" },
] as const satisfies { key: keyof Omit<SiteOverview["perMinute"], "from">; word: Word; colour: string; dash: string }[];

/** A polyline's points for one series: x by minute, y by count on the shared scale. */
function pointsOf(counts: readonly number[], max: number): string {
  const step = (WIDTH - 2 * PAD) / Math.max(1, counts.length - 1);
  return counts
    .map((n, minute) => `${(PAD + minute * step).toFixed(1)},${(HEIGHT - PAD - (n / max) * (HEIGHT - 2 * PAD)).toFixed(1)}`)
    .join(" ");
}

/**
 * The chart of a site's day, labelled for screen readers with each series' total.
 *
 * @example chartOf(overview, t)
 */
export function chartOf(perMinute: SiteOverview["perMinute"], t: (word: Word) => string) {
  const max = Math.max(1, ...SERIES.flatMap((series) => perMinute[series.key]));
  const total = (key: (typeof SERIES)[number]["key"]) => perMinute[key].reduce((sum, n) => sum + n, 0);
  const label = `${t("chartTitle")}: ${SERIES.map((series) => `${t(series.word)} ${total(series.key)}`).join(", ")}`;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}" preserveAspectRatio="none">
      <title>${label}</title>
      <line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888" stroke-width="1" />
      ${SERIES.map(
        (series) =>
          html`<polyline fill="none" stroke="${series.colour}" stroke-width="1.5" stroke-dasharray="${series.dash}" points="${pointsOf(perMinute[series.key], max)}" />`,
      )}
    </svg>
    <figcaption>
      ${t("chartTitle")} (max ${max}):
      ${SERIES.map((series) => html`<span class="legend"><span class="swatch" style="background:${series.colour}"></span>${t(series.word)} ${total(series.key)}</span> `)}
    </figcaption>
  </figure>`;
}
