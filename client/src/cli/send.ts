import { setTimeout as sleep } from "node:timers/promises";
import { TRPCClientError } from "@trpc/client";
import {
  createGatewayClient,
  type FieldError,
  fieldErrorsOf,
  type OrderCreateInput,
  type OrderUpdateInput,
  type Receipt,
} from "../index";

/**
 * A failure that stops the run: a refusal no retry will fix (a bad key, a missing scope, a body too
 * large), or retries given up. `maybeStored` says whether the gateway may have stored the call anyway.
 */
export class FatalSendError extends Error {
  constructor(
    message: string,
    readonly maybeStored: boolean,
  ) {
    super(message);
  }
}

/** The gateway's answer to one call: a receipt per order, or the 400 that refused the whole call. */
export type CallOutcome = { receipts: Receipt[] } | { refused: FieldError[]; message: string };

/** How a sender retries a call that failed on the way: throttling, 5xx, network. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 1000, maxMs: 30_000 };

/**
 * Sends one call of validated orders through the typed client, retrying what may pass later
 * (429 after its `Retry-After`, 5xx, network errors, with backoff) and answering a 400 as data, so
 * the caller can take the refused rows out and send the rest.
 *
 * @example
 * const send = createSender({ url: "http://localhost:8787", apiKey: "dev-key" }, "create");
 * const outcome = await send([{ orderNumber: "42", idempotencyKey: "import-…" }]);
 */
export function createSender(
  connection: { url: string; apiKey: string },
  kind: "create" | "update",
  options: { retry?: RetryPolicy; onRetry?: (message: string, delayMs: number) => void } = {},
): (orders: Record<string, unknown>[]) => Promise<CallOutcome> {
  const gateway = createGatewayClient(connection);
  const retry = options.retry ?? DEFAULT_RETRY;
  // The one seam between checked rows and the typed client: every order passed orderCreateInput /
  // orderUpdateInput in checkRow, the schema these input types are inferred from.
  const call = (orders: Record<string, unknown>[]) =>
    kind === "create" ? gateway.orders.create.mutate(orders as OrderCreateInput[]) : gateway.orders.update.mutate(orders as OrderUpdateInput[]);
  return async (orders) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const { receipts } = await call(orders);
        return { receipts };
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === 400 || status === 409) {
          return { refused: fieldErrorsOf(error) ?? [], message: (error as Error).message };
        }
        if (status === 401 || status === 403 || status === 413 || status === 404) {
          throw new FatalSendError(`the gateway refused the call (HTTP ${status}): ${(error as Error).message}`, false);
        }
        if (attempt >= retry.attempts) throw new FatalSendError(`gave up after ${attempt} attempts: ${(error as Error).message}`, status === undefined || status >= 500);
        const backoff = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
        const delayMs = Math.max(backoff, retryAfterMs(error) ?? 0);
        options.onRetry?.(`${status ? `HTTP ${status}` : "network error"}: ${(error as Error).message}`, delayMs);
        await sleep(delayMs);
      }
    }
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { httpStatus?: number } | undefined;
  const response = (error.meta as { response?: Response } | undefined)?.response;
  return data?.httpStatus ?? response?.status;
}

function retryAfterMs(error: unknown): number | undefined {
  const response = error instanceof TRPCClientError ? (error.meta as { response?: Response } | undefined)?.response : undefined;
  const header = response?.headers.get("retry-after");
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
