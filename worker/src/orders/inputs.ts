import { ordersCreateInput, ordersUpdateInput } from "@calltouch-gateway/contract";
import * as z from "zod";

// Apart from accept.ts, which reaches the outbox, so that the OpenAPI document can be built in Node.

/**
 * The input of a dry run (`orders.validate`, `POST /v1/orders:validate`): `{ create: input }` or
 * `{ update: input }`, each the input of the call itself.
 *
 * @example dryRunInput.parse({ create: memoExampleOrder })
 */
export const dryRunInput = z.union([z.strictObject({ create: ordersCreateInput }), z.strictObject({ update: ordersUpdateInput })]);
