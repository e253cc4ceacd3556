/**
 * The one result shape of the Worker: a value, or the reason there is none. Functions that can fail in
 * ways their callers must handle answer it instead of throwing; each door says the error in its protocol.
 *
 * @example
 * const result: Result<Receipt[], OrderFailure> = await accept(caller, "create", input);
 * if (!result.ok) return fail(result.error.message);
 * use(result.value);
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
