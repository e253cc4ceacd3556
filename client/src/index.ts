import type { FieldError } from "@calltouch-gateway/contract";
import type { AppRouter } from "@calltouch-gateway/worker/router";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type { FieldError, OrderCreateInput, OrderUpdateInput } from "@calltouch-gateway/contract";
export type { AppRouter };

/** Inputs of every procedure, by router and procedure name. */
export type GatewayInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, by router and procedure name. */
export type GatewayOutputs = inferRouterOutputs<AppRouter>;
/** What the gateway answers for one order of a create or update call. */
export type Receipt = GatewayOutputs["orders"]["create"]["receipts"][number];

export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `https://calltouch-gateway.example.workers.dev`. */
  url: string;
  /** A secret API key of the gateway (never the Calltouch token). */
  apiKey: string;
  /** Defaults to the global `fetch`; tests and special runtimes pass their own. */
  fetch?: typeof fetch;
}

/**
 * A tRPC client typed by the gateway's router: every input field is checked at compile time and
 * every receipt is typed.
 *
 * @example
 * const gateway = createGatewayClient({ url: "http://localhost:8787", apiKey: "dev-key" });
 * const { receipts } = await gateway.orders.create.mutate({ orderNumber: "42", phones: ["+79157771122"] });
 */
export function createGatewayClient(options: GatewayClientOptions) {
  const authorization = `Bearer ${options.apiKey}`;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, "")}/trpc`,
        headers: { authorization },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;

/**
 * The field errors of a call the gateway refused for invalid input, as data; `undefined` for any
 * other error.
 *
 * @example
 * try { await gateway.orders.create.mutate(order) }
 * catch (error) { for (const { field, message } of fieldErrorsOf(error) ?? []) showError(field, message) }
 */
export function fieldErrorsOf(error: unknown): FieldError[] | undefined {
  return error instanceof TRPCClientError ? (error.data as { fieldErrors?: FieldError[] } | undefined)?.fieldErrors : undefined;
}
