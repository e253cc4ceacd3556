import { ordersCreateInput } from "@calltouch-gateway/contract";
import { Hono } from "hono";
import { type FloorEnv, store } from "./orders";

export { Orders } from "./orders";

/**
 * The durable floor Worker of `bench/ingest.ts`: validates the JSON body of `POST /trpc/orders.create` with
 * `ordersCreateInput`, as the stateless floor (`bench/floor`) does, then stores it in one Durable Object (one
 * site's, as the gateway's outbox) and answers its id once it is stored: nothing else (no auth, no idempotency).
 *
 * @example curl -X POST localhost:8787/trpc/orders.create -d '{"orderNumber":"1","phones":["79157771122"]}'
 */
const app = new Hono<{ Bindings: FloorEnv }>();

app.get("/health", (c) => c.json({ status: "ok" }));

app.post("/trpc/orders.create", async (c) => {
  const parsed = ordersCreateInput.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ error: { message: "invalid" } }, 400);
  return c.json({ result: { data: { stored: await store(c.env, parsed.data) } } });
});

export default app;
