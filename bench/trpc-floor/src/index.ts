import { trpcFloor } from "./app";

/**
 * The tRPC floor Worker of `bench/ingest.ts`: the stateless floor's work (validate `orders.create`) as a
 * tRPC procedure, and nothing else (no storage).
 *
 * @example curl -X POST localhost:8787/trpc/orders.create -d '{"orderNumber":"1","phones":["79157771122"]}'
 */
export default trpcFloor(() => ({ valid: true }));
