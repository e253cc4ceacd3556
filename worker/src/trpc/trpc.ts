/**
 * The tRPC core of the gateway, in three parts:
 * 1. the context every procedure gets,
 * 2. initialization, with the one error formatter of the API,
 * 3. the procedure builders routers use.
 */
import { type ErrorData, invalidInputMessage, toFieldErrors } from "@calltouch-gateway/contract";
import { initTRPC, TRPCError, type TRPCErrorShape } from "@trpc/server";
import { ZodError } from "zod";
import { allows, lacksScopeMessage, type Principal, UNAUTHORIZED_MESSAGE } from "../auth/api-key";
import type { Scope } from "../auth/keys";
import { RATE_LIMITED_MESSAGE, RETRY_AFTER_SECONDS, withinKeyRateLimit } from "../auth/rate-limit";

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
  /** `null` when the caller presented no valid API key. */
  principal: Principal | null;
  /** The `Idempotency-Key` header of the call, if any. */
  idempotencyKey: string | undefined;
  /** Headers to add to the response (`Retry-After`); the fetch adapter's `Headers`. */
  resHeaders: { set(name: string, value: string): void };
}

// 2. INITIALIZATION

const t = initTRPC.context<Context>().create({
  // Workers have no NODE_ENV, so tRPC would think it runs in development and put stack traces into
  // responses. A gateway answering the internet never does.
  isDev: false,
  errorFormatter({ shape, error, ctx }): TRPCErrorShape<ErrorData> {
    const fieldErrors = error.cause instanceof ZodError ? toFieldErrors(error.cause) : undefined;
    const requestId = ctx?.requestId;
    let message = shape.message;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // Whatever failed inside stays in the logs; the caller gets the id to quote.
      message = `Internal error; quote request id ${requestId ?? "unknown"} when reporting it`;
    } else if (fieldErrors) {
      message = invalidInputMessage(fieldErrors);
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

/** Open to anyone; nothing behind it may touch deals. */
export const publicProcedure = t.procedure;

/** Needs a valid secret API key (`Authorization: Bearer <key>`) within its rate limit. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.principal) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: UNAUTHORIZED_MESSAGE });
  }
  if (!(await withinKeyRateLimit(ctx.env, ctx.principal))) {
    ctx.resHeaders.set("Retry-After", String(RETRY_AFTER_SECONDS));
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: RATE_LIMITED_MESSAGE });
  }
  return next({ ctx: { principal: ctx.principal } });
});

/**
 * Needs a secret key with `scope` (or `admin`).
 *
 * @example export const status = scopedProcedure("orders:read").query(...)
 */
export function scopedProcedure(scope: Scope) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!allows(ctx.principal, scope)) {
      throw new TRPCError({ code: "FORBIDDEN", message: lacksScopeMessage(scope) });
    }
    return next();
  });
}
