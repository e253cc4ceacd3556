import { DurableObject } from "cloudflare:workers";
import { ordersCreateInput } from "@calltouch-gateway/contract";
import { Hono } from "hono";

/** One SQLite table, one insert per call: each call's own commit, as a plain Durable Object makes it. */
export class Orders extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY AUTOINCREMENT, input TEXT NOT NULL)");
  }

  insert(input: string): number {
    return this.ctx.storage.sql.exec<{ id: number }>("INSERT INTO orders (input) VALUES (?) RETURNING id", input).one().id;
  }
}

interface FloorEnv {
  ORDERS: DurableObjectNamespace<Orders>;
}

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
  const id = await c.env.ORDERS.get(c.env.ORDERS.idFromName("site")).insert(JSON.stringify(parsed.data));
  return c.json({ result: { data: { stored: id } } });
});

export default app;
