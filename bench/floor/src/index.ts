import { ordersCreateInput } from "@calltouch-gateway/contract";
import { Hono } from "hono";

/**
 * The floor Worker of `bench/ingest.ts`: parses the JSON body of `POST /trpc/orders.create` and validates
 * it with `ordersCreateInput`, the schema the gateway's `orders.create` uses, and does nothing else (no
 * auth, no storage). It answers on the gateway's path so that the load tool sends the same request to both.
 *
 * @example curl -X POST localhost:8787/trpc/orders.create -d '{"orderNumber":"1","phones":["79157771122"]}'
 */
const app = new Hono();

app.get("/health", (c) => c.json({ status: "ok" }));

app.post("/trpc/orders.create", async (c) => {
  const parsed = ordersCreateInput.safeParse(await c.req.json());
  // The shape of tRPC's answer, so that both Workers send a body of a similar kind.
  return parsed.success ? c.json({ result: { data: { valid: true } } }) : c.json({ error: { message: "invalid" } }, 400);
});

export default app;
