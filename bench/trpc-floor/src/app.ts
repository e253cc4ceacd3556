import { ordersCreateInput } from "@calltouch-gateway/contract";
import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";

/**
 * A tRPC floor Worker of `bench/ingest.ts`: `orders.create` as a tRPC procedure whose input is
 * `ordersCreateInput` and whose answer is what `create` makes of the parsed input, behind Hono as the gateway's, with
 * nothing else (no auth, no body policy, no rate limit).
 *
 * @example export default trpcFloor(() => ({ valid: true }));
 */
export function trpcFloor<Bindings extends object>(create: (input: unknown, env: Bindings) => unknown): Hono<{ Bindings: Bindings }> {
  // As the gateway's: Workers have no NODE_ENV, and tRPC would otherwise think it runs in development.
  const t = initTRPC.context<{ env: Bindings }>().create({ isDev: false });
  const router = t.router({
    orders: t.router({ create: t.procedure.input(ordersCreateInput).mutation(({ input, ctx }) => create(input, ctx.env)) }),
  });
  const app = new Hono<{ Bindings: Bindings }>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({ endpoint: "/trpc", req: c.req.raw, router, allowBatching: false, createContext: () => ({ env: c.env }) }),
  );
  return app;
}
