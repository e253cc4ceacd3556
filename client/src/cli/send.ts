import {
  createGatewayClient,
  type FieldError,
  fieldErrorsOf,
  httpStatusOf,
  type OrderCreateInput,
  type OrderUpdateInput,
  type Receipt,
  type RetryPolicy,
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

// An import may run for hours: it outlasts a longer outage than an interactive caller would.
const IMPORT_RETRY: RetryPolicy = { attempts: 8, baseMs: 1000, maxMs: 30_000 };

/**
 * Sends one call of validated orders through the typed client, which repeats what may pass later
 * (429 after its `Retry-After`, 5xx, network errors, with backoff, under one idempotency key), and
 * answers a 400 as data, so the caller can take the refused rows out and send the rest.
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
  const retry = options.retry ?? IMPORT_RETRY;
  const { onRetry } = options;
  const gateway = createGatewayClient({
    ...connection,
    retry,
    ...(onRetry ? { onRetry: ({ error, delayMs }) => onRetry(`${describe(httpStatusOf(error))}: ${error.message}`, delayMs) } : {}),
  });
  // The one seam between checked rows and the typed client: every order passed orderCreateInput /
  // orderUpdateInput in checkRow, the schema these input types are inferred from.
  const call = (orders: Record<string, unknown>[]) =>
    kind === "create"
      ? gateway.orders.create.mutate(orders as OrderCreateInput[])
      : gateway.orders.update.mutate(orders as OrderUpdateInput[]);
  return async (orders) => {
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
      throw new FatalSendError(
        `gave up after ${retry.attempts} attempts (${describe(status)}): ${(error as Error).message}`,
        status === undefined || status >= 500,
      );
    }
  };
}

function describe(status: number | undefined): string {
  return status === undefined ? "no answer" : `HTTP ${status}`;
}
