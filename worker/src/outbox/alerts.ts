/**
 * Alerts to the operators' webhook (`ALERT_WEBHOOK_URL`): a site's delivery paused, the first dead letter
 * of a reason, the oldest queued change older than `ALERT_QUEUE_AGE_MS`. Noticed while the outbox's
 * alarm works and sent at its end, so that alerts never add an alarm run; at most one of each (per reason
 * for dead letters) every `ALERT_INTERVAL_MINUTES` per site, and a failed send is logged, never retried.
 * A Telegram bot's URL (`https://api.telegram.org/bot<token>/sendMessage?chat_id=…`) gets the message as
 * Telegram reads it; any other URL gets the alert as plain JSON. The URL holds a token: it is never logged.
 */
import { log } from "../log";
import type { OutboxStore } from "./store";

/** What happened, for whom. */
export type Alert =
  | { kind: "paused"; reason: string }
  | { kind: "dead_letter"; reason: string; orderNumber: string; changeId: number }
  | { kind: "queue_age"; oldestQueuedAgeMs: number; queued: number };

/** The webhook's settings (`Settings.alerts`). */
export interface AlertSettings {
  webhookUrl: string | undefined;
  queueAgeMs: number;
  intervalMs: number;
}

/** Remembered per site (`site` table, `alerts`): when each alert's key was last sent. */
type Sent = Record<string, number>;

/** The most alerts one site sends per interval, whatever their keys: a flood of new reasons is one burst. */
const MAX_PER_INTERVAL = 10;

const keyOf = (alert: Alert) => (alert.kind === "dead_letter" ? `dead:${alert.reason}` : alert.kind);

/**
 * The alerts of one alarm run: noted as the flush goes, then the ones the rate limit allows are sent.
 *
 * @example const alerts = new Alerts(store); alerts.note({ kind: "paused", reason }); await alerts.send(settings.alerts, site, Date.now());
 */
export class Alerts {
  private pending: Alert[] = [];

  constructor(private readonly store: OutboxStore) {}

  note(alert: Alert): void {
    this.pending.push(alert);
  }

  /** Sends what the rate limit allows (recording it first, so that a crash cannot send it twice), and forgets the rest. */
  async send(settings: AlertSettings, site: string, now: number): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    const url = settings.webhookUrl;
    if (url === undefined || pending.length === 0) return;
    const sent = Object.fromEntries(
      Object.entries(this.store.getValue<Sent>("alerts") ?? {}).filter(([, at]) => at > now - settings.intervalMs),
    );
    const going: Alert[] = [];
    for (const alert of pending) {
      if (sent[keyOf(alert)] !== undefined || Object.keys(sent).length >= MAX_PER_INTERVAL) continue;
      sent[keyOf(alert)] = now;
      going.push(alert);
    }
    this.store.setValue("alerts", sent);
    for (const alert of going) {
      try {
        const response = await fetch(url, webhookRequest(url, site, alert));
        if (!response.ok) log("warn", "alert not accepted by the webhook", { kind: alert.kind, status: response.status });
        await response.body?.cancel();
      } catch (error) {
        log("warn", "alert could not be sent", { kind: alert.kind, error: error instanceof Error ? error.name : "unknown" });
      }
    }
  }
}

/**
 * The request that tells the webhook of an alert: Telegram's `sendMessage` (its `chat_id` stays in the URL),
 * or the alert as JSON with `site`, `text` and its facts.
 *
 * @example webhookRequest("https://hooks.example/x", "12345", { kind: "paused", reason: "…" }).body // '{"site":"12345","kind":"paused",…}'
 */
export function webhookRequest(url: string, site: string, alert: Alert): RequestInit {
  const text = textOf(site, alert);
  const telegram = /^https:\/\/api\.telegram\.org\/bot[^/]+\/sendMessage(\?|$)/.test(url);
  const body = telegram
    ? { chat_id: new URL(url).searchParams.get("chat_id"), text, disable_web_page_preview: true }
    : { site, ...alert, text };
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) };
}

/** One line an operator reads in a chat, in Russian (the language of the teams that use Telegram bots for this). */
function textOf(site: string, alert: Alert): string {
  switch (alert.kind) {
    case "paused":
      return `calltouch-gateway, сайт ${site}: доставка приостановлена (Calltouch отклонил доступ): ${alert.reason}`;
    case "dead_letter":
      return `calltouch-gateway, сайт ${site}: новая причина недоставки (сделка ${alert.orderNumber}, изменение ${alert.changeId}): ${alert.reason}`;
    case "queue_age":
      return `calltouch-gateway, сайт ${site}: в очереди ${alert.queued}, самое старое ждёт ${Math.round(alert.oldestQueuedAgeMs / 60_000)} мин`;
  }
}
