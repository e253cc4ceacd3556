import type { FieldError } from "@calltouch-gateway/contract";
import type { AppRouter, PublicRouter, SecretRouter } from "@calltouch-gateway/worker/router";
import { createTRPCClient, type HTTPLinkOptions, httpLink, type TRPCClient, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs, inferTRPCClientTypes } from "@trpc/server";
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type KEYED_PATHS,
  type ResilienceOptions,
  type RetryPolicy,
  resilienceLink,
} from "./retry-link";

export { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, httpStatusOf, type RetryPolicy } from "./retry-link";
export type { AppRouter, FieldError, PublicRouter, SecretRouter };

/** Inputs of every procedure, by router and procedure name. */
export type GatewayInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, by router and procedure name. */
export type GatewayOutputs = inferRouterOutputs<AppRouter>;
/** What the gateway answers for one order of a create or update call. */
export type Receipt = GatewayOutputs["orders"]["create"]["receipts"][number];

// A create or update call takes one order, a list, or `{ orders, wait }`: one order is what is neither.
type OneOrder<TCall> = Exclude<TCall, readonly unknown[] | { orders: unknown }>;
/** One deal as `orders.create` takes it. */
export type OrderCreateInput = OneOrder<GatewayInputs["orders"]["create"]>;
/** One deal's changes as `orders.update` takes them. */
export type OrderUpdateInput = OneOrder<GatewayInputs["orders"]["update"]>;
/** One lead as `leads.submit` takes it. */
export type LeadInput = GatewayInputs["leads"]["submit"];

/**
 * What a create, update or delete call may tell the client besides its input: its own idempotency key. tRPC
 * types a call's `context` as any record, where a misspelt `idempotencykey` would compile and the call
 * would silently go under a random key; here it is a type of its own.
 */
export interface CallContext {
  /** The call's key: a repeat under it, even from another process, stores nothing twice. At most 255 characters. */
  idempotencyKey?: string;
}

/** The second argument of `orders.create.mutate`, `orders.update.mutate` and `orders.delete.mutate`. */
export interface KeyedCallOptions {
  context?: CallContext;
  signal?: AbortSignal;
}

/** The second argument of every other call: nothing to say but when to give up. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The calls that take an idempotency key: what the gateway stores once per key. */
type KeyedPath = (typeof KEYED_PATHS)[number];

type WithOptions<TResolver, TOptions> = TResolver extends (input: infer TInput, opts?: never) => infer TResult
  ? (input: TInput, opts?: TOptions) => TResult
  : never;

/** A tRPC client whose calls take {@link KeyedCallOptions} or {@link CallOptions} instead of tRPC's untyped options. */
type Typed<TClient, TPrefix extends string = ""> = {
  [K in keyof TClient & string]: TClient[K] extends { mutate: infer TResolver }
    ? { mutate: WithOptions<TResolver, `${TPrefix}${K}` extends KeyedPath ? KeyedCallOptions : CallOptions> }
    : TClient[K] extends { query: infer TResolver }
      ? { query: WithOptions<TResolver, CallOptions> }
      : Typed<TClient[K], `${TPrefix}${K}.`>;
};

/** The gateway's procedures for servers, typed end to end: `gateway.orders.create.mutate(…)`, `gateway.orders.status.query(…)`. */
export type GatewayClient = Typed<TRPCClient<SecretRouter>>;
/** What a web page may call with a public key: `gateway.leads.submit.mutate(…)`, and nothing else. */
export type PublicGatewayClient = Typed<TRPCClient<PublicRouter>>;

interface CommonOptions {
  /** The gateway's base URL, e.g. `https://calltouch-gateway.example.workers.dev`. */
  url: string;
  /** Milliseconds one attempt may take; a call's own `wait` is added. Default {@link DEFAULT_TIMEOUT_MS} (30 s). */
  timeoutMs?: number;
  /** Defaults to the global `fetch`; tests and special runtimes pass their own. */
  fetch?: HTTPLinkOptions<inferTRPCClientTypes<AppRouter>>["fetch"];
}

/** A client for a server, with a secret key. */
export interface GatewayClientOptions extends CommonOptions {
  /** A secret API key of the gateway (never the Calltouch token). Servers only: a page that sends one is refused. */
  apiKey: string;
  publicKey?: never;
  /**
   * How calls that are safe to repeat are repeated after a failure on the way (no answer, timeout, 408,
   * 429 after its `Retry-After`, 5xx): creates and updates (under one idempotency key, so the gateway stores
   * them once), dry runs and queries. Default {@link DEFAULT_RETRY}; `{ attempts: 1, … }` never repeats.
   */
  retry?: RetryPolicy;
  /** Told of each repeat before its delay. */
  onRetry?: ResilienceOptions["onRetry"];
}

/** A client for a web page, with a public key: it submits leads, each once. */
export interface PublicGatewayClientOptions extends CommonOptions {
  /** A public key of the gateway (`pk_…`) that lists the page's origin. */
  publicKey: string;
  apiKey?: never;
}

/**
 * A tRPC client typed by the gateway's router: every input field is checked at compile time and every
 * answer is typed. With `apiKey` (a server's secret key) it reaches deals and deliveries, and each create
 * and update carries an `Idempotency-Key` (a random one, or the call's `context.idempotencyKey`), so that
 * a repeat after a lost answer stores nothing twice. With `publicKey` (in a web page) it reaches only
 * `leads.submit`, sent once: a repeat would be a second lead, and a Turnstile token is good once.
 *
 * @example
 * const gateway = createGatewayClient({ url: "http://localhost:8787", apiKey: "dev-key" });
 * const { receipts } = await gateway.orders.create.mutate({ orderNumber: "42", phones: ["+79157771122"] });
 * // a key of your own, to repeat the call safely even from another process:
 * await gateway.orders.update.mutate({ orderNumber: "42", status: "Оплачено" }, { context: { idempotencyKey: "crm-event-981" } });
 *
 * @example
 * // in a web page, with the site's public key:
 * const site = createGatewayClient({ url: "https://gateway.example", publicKey: "pk_…" });
 * const { receipt } = await site.leads.submit.mutate({ name: "Анна", phone: "+7 915 777-11-22" });
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient;
export function createGatewayClient(options: PublicGatewayClientOptions): PublicGatewayClient;
export function createGatewayClient(options: GatewayClientOptions | PublicGatewayClientOptions): GatewayClient | PublicGatewayClient {
  const secret = options.apiKey !== undefined;
  const authorization = `Bearer ${options.apiKey ?? options.publicKey}`;
  return createTRPCClient<AppRouter>({
    links: [
      resilienceLink({
        retry: secret ? (options.retry ?? DEFAULT_RETRY) : { attempts: 1, baseMs: 0, maxMs: 0 },
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(secret && options.onRetry ? { onRetry: options.onRetry } : {}),
      }),
      httpLink({
        url: `${options.url.replace(/\/+$/, "")}/trpc`,
        headers: ({ op }) =>
          typeof op.context.idempotencyKey === "string"
            ? { authorization, "idempotency-key": op.context.idempotencyKey }
            : { authorization },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

/**
 * The field errors of a call the gateway refused for invalid input, as data; `undefined` for any
 * other error.
 *
 * @example
 * try { await gateway.orders.create.mutate(order) }
 * catch (error) { for (const { field, message } of fieldErrorsOf(error) ?? []) showError(field, message) }
 */
export function fieldErrorsOf(error: unknown): FieldError[] | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.fieldErrors : undefined;
}
