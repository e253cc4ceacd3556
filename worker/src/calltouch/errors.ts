/**
 * Why a whole upstream request failed. The kind decides what the gateway does next:
 * - `retryable`: network error, timeout, 5xx or throttling; the same request may succeed later.
 * - `invalid`: Calltouch refused the request's body (validation); sending it again cannot help.
 * - `configuration`: Calltouch refused the token or site id; an operator must fix the settings.
 * - `protocol`: Calltouch answered 2xx with a body the gateway cannot map to the orders it sent;
 *   the orders may or may not have been applied.
 */
export type CalltouchFailureKind = "retryable" | "invalid" | "configuration" | "protocol";

/**
 * The one error the Calltouch client throws. Its message is safe to show to callers and operators:
 * it never holds the token, and quotes Calltouch only where Calltouch explains a refusal.
 *
 * @example
 * try { await client.send("create", orders) }
 * catch (error) { if (error instanceof CalltouchError && error.kind === "retryable") retryLater() }
 */
export class CalltouchError extends Error {
  override readonly name = "CalltouchError";

  constructor(
    readonly kind: CalltouchFailureKind,
    message: string,
    readonly details: { status?: number; throttled?: boolean; body?: unknown } = {},
  ) {
    super(message);
  }
}
