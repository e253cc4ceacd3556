import { deliveriesRouter } from "./routers/deliveries";
import { leadsRouter } from "./routers/leads";
import { ordersRouter } from "./routers/orders";
import { mergeRouters, router } from "./trpc";

/** What servers call with secret keys: deals and their delivery. */
const secretRouter = router({ orders: ordersRouter, deliveries: deliveriesRouter });
/** What web pages call with public keys: leads only. */
const publicRouter = router({ leads: leadsRouter });

/** The whole tRPC API of the gateway. */
export const appRouter = mergeRouters(secretRouter, publicRouter);

/** The router's type: what `@calltouch-gateway/client` is typed by. */
export type AppRouter = typeof appRouter;
/** The procedures a secret key may reach (as its scopes allow): the typed client with `apiKey`. */
export type SecretRouter = typeof secretRouter;
/** The procedures a public key may reach: the typed client with `publicKey`, in browser apps. */
export type PublicRouter = typeof publicRouter;
