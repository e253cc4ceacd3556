// Several sites, one egress, for bench/delivery.ts: Calltouch counts requests per source IP, so every site
// behind one gateway shares its 5 requests a second (the Egress Durable Object). Each site's deals are queued
// while delivery is held, then all sites deliver at once: the total against the ceiling, and each site's
// share of what was delivered while every site still had work, against a fair share (the total ÷ sites).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDevServers } from "../../test/e2e/dev-servers.ts";
import { DEV_KEY, type DeliveryStats, deals, ingest, type LoggedRequest, mutate, query, settled, simulator, type Tally } from "./drive.ts";
import { type FlushTimes, flushTimes } from "./flush-times.ts";
import { note, step } from "./progress.ts";

const exampleVars = fileURLToPath(new URL("../../.dev.vars.example", import.meta.url));

/** A site of the run: its Calltouch credentials and the gateway's key whose deals go to it. */
interface Site {
  siteId: string;
  token: string;
  key: string;
}

/** What one site got. */
export interface SiteResult {
  siteId: string;
  delivered: number;
  /** Deals delivered while every site still had work, and that against a fair share of them. */
  inWindow: number;
  share: number;
}

export interface SeveralSitesRun extends Tally {
  sites: SiteResult[];
  /** While every site still had work: until the first site's last accepted request. */
  windowMs: number;
  stats: DeliveryStats[];
  /** Every site's requests' answer times and slot lags. */
  times: FlushTimes;
}

/**
 * The example vars' site (with the dev key) and `count - 1` more, each with a secret key of its own and the
 * gateway's vars that give it: the keys added to `API_KEYS`, a `CALLTOUCH_TOKEN_<site id>` each.
 */
function sitesAndVars(count: number): { sites: Site[]; vars: Record<string, string> } {
  const example = readFileSync(exampleVars, "utf8");
  const line = /^API_KEYS=(.*)$/m.exec(example)?.[1];
  const siteId = /^CALLTOUCH_SITE_ID=(.*)$/m.exec(example)?.[1];
  const token = /^CALLTOUCH_TOKEN=(.*)$/m.exec(example)?.[1];
  if (!line || !siteId || !token) throw new Error(".dev.vars.example lacks API_KEYS, CALLTOUCH_SITE_ID or CALLTOUCH_TOKEN");
  const sites: Site[] = [{ siteId, token, key: DEV_KEY }];
  for (let n = 1; n < count; n++) sites.push({ siteId: String(70000 + n), token: `bench-token-${n}`, key: `bench-site-key-${n}` });
  const file = JSON.parse(line) as { keys: unknown[] };
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  file.keys.push(
    ...sites
      .slice(1)
      .map((site) => ({ id: `bench-site-${site.siteId}`, type: "secret", sha256: sha256(site.key), site: site.siteId, scopes: ["admin"] })),
  );
  const vars: Record<string, string> = { API_KEYS: JSON.stringify(file) };
  for (const site of sites.slice(1)) vars[`CALLTOUCH_TOKEN_${site.siteId}`] = site.token;
  return { sites, vars };
}

/** The simulator's credentials for `sites`: the first as its own pair, the rest as `sites`; each token spoilt when `held`. */
function credentials(sites: readonly Site[], held: boolean) {
  const token = (site: Site) => (held ? `${site.token}-refused-while-the-bench-ingests` : site.token);
  return {
    siteId: sites[0]!.siteId,
    accessToken: token(sites[0]!),
    sites: sites.slice(1).map((site) => ({ siteId: site.siteId, accessToken: token(site) })),
  };
}

/**
 * Starts the dev servers with `count` sites, queues `dealsPerSite` deals for each while Calltouch refuses every
 * site's token (each outbox pauses), then gives the tokens back and resumes every site at once, and reads
 * the simulator's log once all have delivered. `slotMs` is one request's share of a second at the ceiling.
 *
 * @example const run = await runSeveralSites({ count: 5, dealsPerSite: 2000, slotMs: 200 });
 */
export async function runSeveralSites({
  count,
  dealsPerSite,
  slotMs,
}: {
  count: number;
  dealsPerSite: number;
  slotMs: number;
}): Promise<SeveralSitesRun> {
  const { sites, vars } = sitesAndVars(count);
  step(`${count} sites: starting the gateway and the simulator`);
  const servers = await startDevServers({ set: vars, logLevel: "log" });
  try {
    const { gatewayUrl, simulatorUrl } = servers;
    await simulator(simulatorUrl, "DELETE", "config");
    await simulator(simulatorUrl, "PUT", "config", credentials(sites, true));
    step(`${count} sites: accepting ${dealsPerSite} deals for each while delivery is held`);
    await Promise.all(sites.map((site, n) => ingest(gatewayUrl, deals(`site${n}`, dealsPerSite), site.key)));
    const deadline = Date.now() + 60_000;
    for (const site of sites) {
      while ((await query<DeliveryStats>(gatewayUrl, "deliveries.stats", site.key)).paused === null) {
        if (Date.now() > deadline) throw new Error(`site ${site.siteId} did not pause on Calltouch's auth refusal`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await simulator(simulatorUrl, "PUT", "config", credentials(sites, false));
    await simulator(simulatorUrl, "DELETE", "requests");
    step(`${count} sites: delivering`);
    await Promise.all(sites.map((site) => mutate(gatewayUrl, "deliveries.resume", undefined, site.key)));
    const stats = [];
    for (const site of sites) {
      stats.push(await settled(gatewayUrl, 600_000, 500, site.key));
      note(`site ${site.siteId} settled`);
    }
    const log = (await simulator<{ requests: LoggedRequest[] }>(simulatorUrl, "GET", "requests")).requests;
    return { ...summarize(log, sites, dealsPerSite, slotMs, stats), times: flushTimes(servers.logs()) };
  } finally {
    await servers.stop();
  }
}

function summarize(
  log: readonly LoggedRequest[],
  sites: readonly Site[],
  dealsPerSite: number,
  slotMs: number,
  stats: DeliveryStats[],
): Omit<SeveralSitesRun, "times"> {
  const accepted = new Map<string, number>();
  const deliveredAt: { siteId: string; at: number; deals: number }[] = [];
  for (const request of log.filter((entry) => entry.outcome === "ok")) {
    const items = (request.response as { data: { orders: { orderNumber: string; calltouchOrderId?: number }[] } }).data.orders;
    const fresh = items.filter((item) => item.calltouchOrderId !== undefined);
    for (const item of fresh) accepted.set(item.orderNumber, (accepted.get(item.orderNumber) ?? 0) + 1);
    deliveredAt.push({ siteId: request.siteId ?? "", at: request.at, deals: fresh.length });
  }
  const first = log[0];
  if (!first || deliveredAt.length === 0) throw new Error("Calltouch accepted no request");
  const lastOf = (siteId: string) => Math.max(...deliveredAt.filter((entry) => entry.siteId === siteId).map((entry) => entry.at));
  const windowEnd = Math.min(...sites.map((site) => lastOf(site.siteId)));
  const inWindow = (siteId: string) =>
    deliveredAt.filter((entry) => entry.siteId === siteId && entry.at <= windowEnd).reduce((sum, entry) => sum + entry.deals, 0);
  const totalInWindow = sites.reduce((sum, site) => sum + inWindow(site.siteId), 0);
  return {
    sites: sites.map((site) => ({
      siteId: site.siteId,
      delivered: deliveredAt.filter((entry) => entry.siteId === site.siteId).reduce((sum, entry) => sum + entry.deals, 0),
      inWindow: inWindow(site.siteId),
      share: inWindow(site.siteId) / (totalInWindow / sites.length),
    })),
    sent: dealsPerSite * sites.length,
    delivered: accepted.size,
    duplicates: [...accepted.values()].filter((times) => times > 1).length,
    requests: log.length,
    throttled: log.filter((entry) => entry.outcome === "throttled").length,
    deliveryMs: Math.max(...deliveredAt.map((entry) => entry.at)) - first.at + slotMs,
    windowMs: windowEnd - first.at + slotMs,
    stats,
  };
}
