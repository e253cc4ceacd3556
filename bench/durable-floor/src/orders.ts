import { DurableObject } from "cloudflare:workers";

/**
 * The durable floors' store (`bench/durable-floor`, `bench/trpc-durable-floor`): one SQLite table, one
 * insert per call, each call its own commit, as a plain Durable Object makes it.
 *
 * @example const id = await env.ORDERS.get(env.ORDERS.idFromName("site")).insert(JSON.stringify(input));
 */
export class Orders extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY AUTOINCREMENT, input TEXT NOT NULL)");
  }

  insert(input: string): number {
    return this.ctx.storage.sql.exec<{ id: number }>("INSERT INTO orders (input) VALUES (?) RETURNING id", input).one().id;
  }
}

/** The bindings of a durable floor Worker. */
export interface FloorEnv {
  ORDERS: DurableObjectNamespace<Orders>;
}

/**
 * Stores one parsed call in the one Durable Object (one site's, as the gateway's outbox) and answers its id once
 * it is stored.
 *
 * @example return c.json({ result: { data: { stored: await store(c.env, parsed.data) } } });
 */
export function store(env: FloorEnv, input: unknown): Promise<number> {
  return env.ORDERS.get(env.ORDERS.idFromName("site")).insert(JSON.stringify(input));
}
