import { ordersCreateInput } from "@calltouch-gateway/contract";
import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";

// As the gateway's: Workers have no NODE_ENV, and tRPC would otherwise think it runs in development.
const t = initTRPC.create({ isDev: false });

const router = t.router({
  orders: t.router({ create: t.procedure.input(ordersCreateInput).mutation(() => ({ valid: true })) }),
});

/**
 * The tRPC floor Worker of `bench/ingest.ts`: `orders.create` as a tRPC procedure whose input is
 * `ordersCreateInput` and which does nothing else (no auth, no storage), behind Hono as the gateway's.
 *
 * @example curl -X POST localhost:8787/trpc/orders.create -d '{"orderNumber":"1","phones":["79157771122"]}'
 */
const app = new Hono();

app.get("/health", (c) => c.json({ status: "ok" }));

app.all("/trpc/*", (c) =>
  fetchRequestHandler({ endpoint: "/trpc", req: c.req.raw, router, allowBatching: false, createContext: () => ({}) }),
);

export default app;
