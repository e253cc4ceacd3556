import { DurableObject } from "cloudflare:workers";
import { errorBody, ordersBody, validationBody } from "./answers";
import { applyConfigPatch, defaultConfig, restoreConfig, type SimulatorConfig } from "./config";
import { mulberry32, pickFault } from "./faults";
import { invalidOrderIssues } from "./invalid-orders";
import type { FieldIssue } from "./issues";
import { MIGRATIONS, migrate } from "./migrations";
import { type HeldOrder, OrderBook } from "./orders";
import { budgetExhausted, type PointsLedger, SlidingWindow, spend, spentToday } from "./rate-limit";
import { type LogFilter, type LoggedRequest, type LogStats, type Outcome, type Reply, RequestLog } from "./request-log";
import { type SiteverifyAnswer, siteverify } from "./turnstile";
import { envelopeIssues, type Method, NOT_JSON, parseJson, validateBody } from "./validate";

/** A request to a Calltouch path, read in full so that it can be decided in one go. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  bodyText: string;
}

/** The answer to a Calltouch request, to be sent after holding it back for `holdMs`. */
export interface Answer extends Reply {
  holdMs: number;
}

interface Decision extends Reply {
  outcome: Outcome;
  /** The site whose credentials passed auth. */
  siteId?: string;
  timedOut?: { lostResponse: Reply | undefined };
}

const CALLTOUCH_PATHS: Record<string, Method> = {
  "/lead-service/v1/api/client-order/create": "create",
  "/lead-service/v1/api/client-order/update": "update",
  "/lead-service/v1/api/client-order/delete": "delete",
};

// Keys of the Durable Object's synchronous KV storage.
const KEY = {
  config: "config",
  nextSeq: "nextSeq",
  nextOrderId: "nextOrderId",
  points: "points",
  prng: "prng",
} as const;

/**
 * All of the simulator's state, in one instance (`idFromName("default")`) so that the request log, the orders and
 * the rate limiter agree. Each Calltouch request is decided synchronously, from arrival to log entry, so requests
 * that arrive together are still decided one after the other in `seq` order.
 */
export class SimulatorState extends DurableObject<Env> {
  private readonly log: RequestLog;
  private readonly book: OrderBook;
  private readonly window = new SlidingWindow();
  private config: SimulatorConfig;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = restoreConfig(ctx.storage.kv.get(KEY.config), defaultConfig(env));
    migrate(ctx.storage, MIGRATIONS, { siteId: this.config.siteId });
    this.log = new RequestLog(ctx.storage.sql);
    this.book = new OrderBook(ctx.storage.sql, () => this.bump(KEY.nextOrderId));
  }

  /** Plays Calltouch for one request: decides the answer, applies its effects, logs it. */
  receive(request: ReceivedRequest): Answer {
    const at = Date.now();
    const seq = this.bump(KEY.nextSeq);
    const json = parseJson(request.bodyText);
    const { timedOut, ...decision } = this.decide(request, json, seq, at);
    const holdMs = this.config.latencyMs + (timedOut ? this.config.timeoutMs : 0);
    this.log.append({
      seq,
      at,
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      body: json === NOT_JSON ? request.bodyText : json,
      status: decision.status,
      outcome: decision.outcome,
      response: decision.body,
      ...(decision.headers && { responseHeaders: decision.headers }),
      ...(decision.siteId && { siteId: decision.siteId }),
      heldMs: holdMs,
      ...(timedOut?.lostResponse && { lostResponse: timedOut.lostResponse }),
    });
    return { status: decision.status, body: decision.body, ...(decision.headers && { headers: decision.headers }), holdMs };
  }

  /** The request log, in the order received. */
  requests(filter: LogFilter): LoggedRequest[] {
    return this.log.list(filter);
  }

  /** The deal records, by id (only those of `siteId`, and of `orderNumber`, when given). */
  orders(filter: { siteId?: string | undefined; orderNumber?: string | undefined } = {}): HeldOrder[] {
    return this.book.list(filter);
  }

  /** Counts by outcome, the peak rate, and what is held. */
  stats(): LogStats & { orders: number; pointsSpentToday: number } {
    const spent = spentToday(this.ctx.storage.kv.get<PointsLedger>(KEY.points), Date.now());
    return { ...this.log.stats(), orders: this.book.count(), pointsSpentToday: spent };
  }

  /** Forgets requests, orders, ids, the rate-limit window and the daily points; the config stays. */
  forget(): { requests: number; orders: number } {
    const forgotten = { requests: this.log.count(), orders: this.book.count() };
    this.ctx.storage.transactionSync(() => {
      this.log.clear();
      this.book.clear();
      for (const key of [KEY.nextSeq, KEY.nextOrderId, KEY.points, KEY.prng]) this.ctx.storage.kv.delete(key);
    });
    this.window.clear();
    return forgotten;
  }

  /** Turnstile's `siteverify`: each token verifies at most once (see `turnstile.ts`). */
  turnstile(secret: string, token: string): SiteverifyAnswer {
    const key = `turnstile:${token}`;
    const answer = siteverify(secret, token, this.ctx.storage.kv.get(key) !== undefined);
    if (answer.success) this.ctx.storage.kv.put(key, true);
    return answer;
  }

  /** The configuration in force. */
  getConfig(): SimulatorConfig {
    return this.config;
  }

  /** Applies a partial configuration (see {@link applyConfigPatch}); restarts the seeded PRNG. */
  patchConfig(patch: unknown): { ok: true; config: SimulatorConfig } | { ok: false; issues: FieldIssue[] } {
    const result = applyConfigPatch(this.config, patch);
    if (result.ok) this.replaceConfig(result.config);
    return result;
  }

  /** Back to the defaults; restarts the seeded PRNG. */
  resetConfig(): SimulatorConfig {
    this.replaceConfig(defaultConfig(this.env));
    return this.config;
  }

  private replaceConfig(config: SimulatorConfig): void {
    this.storeConfig(config);
    this.ctx.storage.kv.delete(KEY.prng);
  }

  private storeConfig(config: SimulatorConfig): void {
    this.config = config;
    this.ctx.storage.kv.put(KEY.config, config);
  }

  // The order of checks: route, auth, per-second limit, daily points, faults, validation. Auth comes first so
  // that a wrong token is never masked by a throttle; nothing refused before validation changes any order.
  private decide(request: ReceivedRequest, json: unknown, seq: number, now: number): Decision {
    const config = this.config;
    const method = request.method === "POST" ? CALLTOUCH_PATHS[request.path] : undefined;
    if (method === undefined) {
      const message = `No Calltouch method at ${request.method} ${request.path}`;
      return { outcome: "not_found", status: 404, body: errorBody("NOT_FOUND", message) };
    }
    const auth = this.authenticate(request.headers);
    if (!auth.ok) {
      const body = config.auth.body ?? errorBody("UNAUTHORIZED", auth.problem);
      return { outcome: "auth", status: config.auth.status, body };
    }
    const { siteId } = auth;
    const retryAfter = config.throttle.retryAfter === null ? undefined : { "Retry-After": String(config.throttle.retryAfter) };
    if (!this.window.tryAdmit(now, config.requestsPerSecond)) {
      const message = `Request limit exceeded: at most ${config.requestsPerSecond} requests per second`;
      const body = config.throttle.body ?? errorBody("LIMIT_EXCEEDED", message);
      return { outcome: "throttled", siteId, status: config.throttle.status, body, ...(retryAfter && { headers: retryAfter }) };
    }
    if (budgetExhausted(this.ctx.storage.kv.get(KEY.points), config, now)) {
      const message = `Daily API points limit exhausted: ${config.dailyPoints} points a day`;
      const body = config.throttle.dailyBody ?? errorBody("DAILY_LIMIT_EXCEEDED", message);
      return { outcome: "throttled", siteId, status: config.throttle.status, body, ...(retryAfter && { headers: retryAfter }) };
    }
    const fault = pickFault(config, () => this.random());
    if (fault === "failNext") this.storeConfig({ ...config, failNext: config.failNext - 1 });
    if (fault === "failNext" || fault === "failure") {
      const body = config.failureBody ?? errorBody("INTERNAL_ERROR", "Simulated failure");
      return { outcome: "fault", siteId, status: config.failureStatus, body };
    }
    if (fault === "timeout") {
      const lostResponse = config.timeoutApplies ? this.process(method, request, json, siteId, seq, now) : undefined;
      const message = `Simulated timeout: the answer was held for ${config.timeoutMs} ms`;
      return { outcome: "timeout", siteId, status: 504, body: errorBody("TIMEOUT", message), timedOut: { lostResponse } };
    }
    return this.process(method, request, json, siteId, seq, now);
  }

  /** The site of the credentials, or what is wrong with them: the configured pair, or one of `sites`. */
  private authenticate(headers: Record<string, string>): { ok: true; siteId: string } | { ok: false; problem: string } {
    const token = headers["access-token"];
    const siteId = headers.siteid;
    const pairs = [{ siteId: this.config.siteId, accessToken: this.config.accessToken }, ...this.config.sites];
    const ofToken = pairs.filter((pair) => pair.accessToken === token);
    if (token === undefined) return { ok: false, problem: "Access-Token header is missing" };
    if (ofToken.length === 0) return { ok: false, problem: "Access-Token is not valid" };
    if (siteId === undefined) return { ok: false, problem: "SiteId header is missing" };
    if (!ofToken.some((pair) => pair.siteId === siteId))
      return { ok: false, problem: `SiteId ${siteId} does not belong to this Access-Token` };
    return { ok: true, siteId };
  }

  private process(method: Method, request: ReceivedRequest, json: unknown, siteId: string, seq: number, now: number): Decision {
    const config = this.config;
    const envelope = envelopeIssues(request.headers["content-type"], json);
    const result = envelope.length > 0 ? { ok: false as const, issues: envelope } : validateBody(method, json, config);
    const issues = result.ok ? invalidOrderIssues(result.body, config.invalidOrders) : result.issues;
    if (!result.ok || issues.length > 0) {
      const body = validationBody(issues, config.validation.shape);
      return { outcome: "invalid", siteId, status: config.validation.status, body };
    }
    const items = this.ctx.storage.transactionSync(() => {
      const applied = this.book.apply(result.body, siteId, seq, config);
      this.ctx.storage.kv.put(KEY.points, spend(this.ctx.storage.kv.get(KEY.points), config, now));
      return applied;
    });
    return { outcome: "ok", siteId, status: 200, body: ordersBody(items) };
  }

  private random(): number {
    if (this.config.seed === null) return Math.random();
    const { value, next } = mulberry32(this.ctx.storage.kv.get<number>(KEY.prng) ?? this.config.seed);
    this.ctx.storage.kv.put(KEY.prng, next);
    return value;
  }

  private bump(key: string): number {
    const value = (this.ctx.storage.kv.get<number>(key) ?? 0) + 1;
    this.ctx.storage.kv.put(key, value);
    return value;
  }
}
