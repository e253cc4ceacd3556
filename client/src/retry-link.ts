import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";

/** How the client repeats a call that failed on the way (no answer, a timeout, 408, 429 or 5xx). */
export interface RetryPolicy {
  /** Attempts in all, the first included; `1` never repeats a call. */
  attempts: number;
  /** The delay before the second attempt; each next one doubles it, with jitter. */
  baseMs: number;
  /** The longest delay between two attempts, unless the gateway's `Retry-After` asks for more. */
  maxMs: number;
}

/** What the client does unless told otherwise: four attempts over about four seconds. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 30_000 };

/** Milliseconds one attempt may take before it is abandoned, unless told otherwise; a call's `wait` is added. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The mutations that may be sent twice: the gateway stores a create, an update or a delete once per
 * `Idempotency-Key` and answers a repeat with the first call's receipts, and a dry run stores nothing.
 * Queries are safe by nature; any other mutation is sent once.
 */
const REPEATABLE_MUTATIONS = new Set(["orders.create", "orders.update", "orders.delete", "orders.validate"]);

/** The mutations that carry an idempotency key, the caller's or a random one; the client's types take a key on these only. */
export const KEYED_PATHS = ["orders.create", "orders.update", "orders.delete"] as const;
const KEYED_MUTATIONS = new Set<string>(KEYED_PATHS);

/** What {@link resilienceLink} needs. */
export interface ResilienceOptions {
  retry: RetryPolicy;
  timeoutMs: number;
  /** Told of each repeat before its delay: for progress displays and logs. */
  onRetry?: (info: { path: string; attempt: number; delayMs: number; error: TRPCClientError<AnyTRPCRouter> }) => void;
}

/**
 * A tRPC link that gives every create, update and delete an idempotency key (the caller's, from the call's
 * `context.idempotencyKey`, or a random one), bounds each attempt by a timeout, and repeats the calls
 * that are safe to repeat when they failed in a way a repeat may fix. The key travels in the
 * operation's context; the HTTP link sends it as the `Idempotency-Key` header.
 *
 * @example
 * createTRPCClient<AppRouter>({ links: [resilienceLink({ retry: DEFAULT_RETRY, timeoutMs: 30_000 }), httpLink({ url, headers: ({ op }) => … })] });
 */
export function resilienceLink<TRouter extends AnyTRPCRouter>(options: ResilienceOptions): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const repeatable = op.type === "query" || REPEATABLE_MUTATIONS.has(op.path);
        const given = op.context.idempotencyKey;
        // The types refuse a key that is no string; a caller without them (JavaScript) is told, not given a random one.
        if (given !== undefined && (typeof given !== "string" || given.trim() === "")) {
          observer.error(new TRPCClientError("context.idempotencyKey must be a non-empty string"));
          return () => {};
        }
        const keyed =
          KEYED_MUTATIONS.has(op.path) && given === undefined
            ? { ...op, context: { ...op.context, idempotencyKey: crypto.randomUUID() } }
            : op;
        const timeoutMs = options.timeoutMs + waitOf(op.input);
        let unsubscribe: (() => void) | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;

        const attempt = (n: number) => {
          const signals = [AbortSignal.timeout(timeoutMs), ...(op.signal ? [op.signal] : [])];
          const subscription = next({ ...keyed, signal: AbortSignal.any(signals) }).subscribe({
            next: (result) => observer.next(result),
            complete: () => observer.complete(),
            error: (error) => {
              if (!repeatable || n >= options.retry.attempts || op.signal?.aborted || !mayPassLater(error)) {
                observer.error(error);
                return;
              }
              const delayMs = retryDelayMs(options.retry, n, error);
              options.onRetry?.({ path: op.path, attempt: n, delayMs, error });
              timer = setTimeout(() => attempt(n + 1), delayMs);
            },
          });
          unsubscribe = () => subscription.unsubscribe();
        };
        attempt(1);
        return () => {
          if (timer !== undefined) clearTimeout(timer);
          unsubscribe?.();
        };
      });
}

/**
 * The HTTP status of a failed call, or `undefined` when no answer came (network error, timeout).
 *
 * @example if (httpStatusOf(error) === 401) console.error("check the API key");
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { httpStatus?: unknown } | undefined;
  if (typeof data?.httpStatus === "number") return data.httpStatus;
  return responseOf(error)?.status;
}

/** Failures a repeat may fix: no answer at all, a timeout, throttling, or trouble on the gateway's side. */
function mayPassLater(error: TRPCClientError<AnyTRPCRouter>): boolean {
  const status = httpStatusOf(error);
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with jitter, but never sooner than the gateway's `Retry-After`. */
function retryDelayMs(policy: RetryPolicy, attempt: number, error: TRPCClientError<AnyTRPCRouter>): number {
  const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
  const retryAfter = Number(responseOf(error)?.headers.get("retry-after") ?? Number.NaN);
  return Number.isFinite(retryAfter) ? Math.max(backoff, retryAfter * 1000) : backoff;
}

/** What the HTTP link keeps of the answer in an error's `meta`: enough for its status and `Retry-After`. */
interface AnswerSeen {
  status: number;
  headers: { get(name: string): string | null };
}

function responseOf(error: TRPCClientError<AnyTRPCRouter>): AnswerSeen | undefined {
  return (error.meta as { response?: AnswerSeen } | undefined)?.response;
}

/** A call's own `wait` (how long the gateway may hold its answer), which its timeout must allow for. */
function waitOf(input: unknown): number {
  const wait = typeof input === "object" && input !== null && "wait" in input ? input.wait : undefined;
  return typeof wait === "number" && wait > 0 ? wait : 0;
}
