/**
 * The tRPC core of the gateway, in three parts:
 * 1. the context every procedure gets,
 * 2. initialization, with the one error formatter of the API,
 * 3. the procedure builders routers use, each behind the gate of the access module.
 */
import { type ErrorData, type FieldError, invalidInputMessage, parseIn, toFieldErrors } from "@calltouch-gateway/contract";
import { initTRPC, TRPCError, type TRPCErrorShape } from "@trpc/server";
import type { ZodMiniType } from "zod/mini";
// From zod's core directly: reading it as `$ZodError` keeps all of zod core in the bundle.
import { $ZodError } from "zod/v4/core";
import { gate, type Knock, type Need, type Refusal, type Scope } from "../access";
import type { Result } from "../result";

// 1. CONTEXT

/**
 * The Worker's side of a procedure's context: its bindings (`env: Env`) and settings (`settings:
 * Settings`). Declared empty here and given its members by `worker-context.d.ts` beside this file: the
 * router's type travels to partner apps inside the client package's declarations, and must name nothing
 * of the Workers runtime or of the gateway's configuration there.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, not a type, so that worker-context.d.ts can merge into it
export interface WorkerContext {}

/** What a procedure knows of the request that called it. */
export interface Context extends WorkerContext {
  requestId: string;
  /** What the gate judges: the key, the page's origin, the visitor's address, the language. */
  knock: Knock;
  /** The `Idempotency-Key` header of the call, if any. */
  idempotencyKey: string | undefined;
  /** Why the call's body (or a query's input) could not be read as meant, if it could not: said before anything else. */
  bodyRefusal: Refusal | undefined;
  /** Headers to add to the response (`Retry-After`); the fetch adapter's `Headers`. */
  resHeaders: { set(name: string, value: string): void };
}

// 2. INITIALIZATION

/** Field errors found after the input's schema passed (a custom field the key does not allow). */
class InvalidFields extends Error {
  constructor(readonly fieldErrors: FieldError[]) {
    super("invalid fields");
  }
}

/**
 * A 400 naming `fieldErrors`, answered exactly as a schema's refusal is.
 *
 * @example if (!order.ok) throw invalidFields(order.error);
 */
export function invalidFields(fieldErrors: FieldError[]): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", cause: new InvalidFields(fieldErrors) });
}

const t = initTRPC.context<Context>().create({
  // Workers have no NODE_ENV, so tRPC would think it runs in development and put stack traces into
  // responses. A gateway answering the internet never does.
  isDev: false,
  errorFormatter({ shape, error, ctx }): TRPCErrorShape<ErrorData> {
    const fieldErrors =
      error.cause instanceof $ZodError
        ? toFieldErrors(error.cause)
        : error.cause instanceof InvalidFields
          ? error.cause.fieldErrors
          : undefined;
    const requestId = ctx?.requestId;
    let message = shape.message;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // Whatever failed inside stays in the logs; the caller gets the id to quote.
      message = `Internal error; quote request id ${requestId ?? "unknown"} when reporting it`;
    } else if (fieldErrors) {
      message = invalidInputMessage(fieldErrors, ctx?.knock.language);
    }
    return {
      code: shape.code,
      message,
      data: {
        code: error.code,
        httpStatus: shape.data.httpStatus,
        ...(shape.data.path === undefined ? {} : { path: shape.data.path }),
        ...(requestId === undefined ? {} : { requestId }),
        ...(fieldErrors ? { fieldErrors } : {}),
      },
    };
  },
});

// 3. PROCEDURES

export const router = t.router;
export const mergeRouters = t.mergeRouters;

const CODES = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
} as const satisfies Record<Refusal["status"], TRPCError["code"]>;

/**
 * A refusal of the access module as tRPC's error, with its `Retry-After`; one that names fields is
 * answered as invalid input is.
 *
 * @example if (!human.ok) throw refused(ctx, human.error);
 */
export function refused(ctx: Pick<Context, "resHeaders">, refusal: Refusal): TRPCError {
  if (refusal.retryAfter !== undefined) ctx.resHeaders.set("Retry-After", String(refusal.retryAfter));
  if (refusal.fieldErrors !== undefined) return invalidFields(refusal.fieldErrors);
  return new TRPCError({ code: CODES[refusal.status], message: refusal.message });
}

// Every procedure first says why its body could not be read, if it could not (the fetch adapter was
// handed an empty one): in tRPC's error shape, with the request id, like any other refusal.
function mustBeReadable(ctx: Context): void {
  if (ctx.bodyRefusal !== undefined) throw refused(ctx, ctx.bodyRefusal);
}

/** Open to anyone; nothing behind it may touch deals. */
export const publicProcedure = t.procedure.use(({ ctx, next }) => {
  mustBeReadable(ctx);
  return next();
});

/**
 * The principal that `need`'s gate lets through, once the body was readable; else the refusal, thrown.
 * One middleware per procedure does all of it: tRPC copies the context at every middleware of a call.
 */
async function admitted<P>(
  admit: (knock: Knock, env: Env, keys: Context["settings"]["keys"]) => Promise<Result<P, Refusal>>,
  ctx: Context,
): Promise<P> {
  mustBeReadable(ctx);
  const principal = await admit(ctx.knock, ctx.env, ctx.settings.keys);
  if (!principal.ok) throw refused(ctx, principal.error);
  return principal.value;
}

/** A procedure behind the gate of `need`: its context gains the principal the gate let through. */
function gated<N extends Need>(need: N) {
  const admit = gate(need);
  return t.procedure.use(async ({ ctx, next }) => next({ ctx: { principal: await admitted(admit, ctx) } }));
}

/**
 * Needs a secret key with `scope` (or `admin`), from a server, within the key's rate limit.
 *
 * @example export const status = scopedProcedure("orders:read").query(...)
 */
export function scopedProcedure(scope: Scope) {
  return gated(scope);
}

/**
 * {@link scopedProcedure} taking `schema` as its input. zod writes its messages as it parses, in English;
 * when the caller asked for Russian (`Accept-Language: ru`), a refused input is parsed again in Russian
 * ({@link parseIn}), so that each field error speaks the caller's language. Only refusals pay for it.
 *
 * @example create: scopedInput("orders:write", ordersCreateInput).mutation(({ input, ctx }) => ...)
 */
export function scopedInput<S extends ZodMiniType>(
  scope: Scope,
  schema: S,
  /** A check of the raw input before the schema reads it (counting a call's orders); its error is the answer. */
  before?: (rawInput: unknown, ctx: Context) => TRPCError | undefined,
) {
  const admit = gate(scope);
  return t.procedure
    .use(async ({ ctx, next, getRawInput }) => {
      const principal = await admitted(admit, ctx);
      const refusal = before?.(await getRawInput(), ctx);
      if (refusal) throw refusal;
      const result = await next({ ctx: { principal } });
      if (result.ok || ctx.knock.language === "en" || !(result.error.cause instanceof $ZodError)) return result;
      // A valid input means the refusal came from elsewhere: it stays as it is.
      const again = parseIn(schema, await getRawInput(), ctx.knock.language);
      return again.success ? result : { ...result, error: new TRPCError({ code: "BAD_REQUEST", cause: again.error }) };
    })
    .input(schema);
}

/** Needs a public key, from one of its origins, within the visitor's rate limit: `leads.submit`. */
export const leadProcedure = gated("lead");
