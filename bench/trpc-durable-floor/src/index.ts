import { type FloorEnv, store } from "../../durable-floor/src/orders";
import { trpcFloor } from "../../trpc-floor/src/app";

export { Orders } from "../../durable-floor/src/orders";

/**
 * The tRPC durable floor Worker of `bench/ingest.ts`: the durable floor's work (validate `orders.create`,
 * then one insert per call in one Durable Object, answered once stored) as a tRPC procedure, as the
 * gateway serves it: the least a tRPC API that answers only once an order is durable costs, before any
 * auth, idempotency, receipt or delivery.
 *
 * @example curl -X POST localhost:8787/trpc/orders.create -d '{"orderNumber":"1","phones":["79157771122"]}'
 */
export default trpcFloor<FloorEnv>(async (input, env) => ({ stored: await store(env, input) }));
