import { deliveriesRouter } from "./routers/deliveries";
import { ordersRouter } from "./routers/orders";
import { router } from "./trpc";

/** The whole tRPC API of the gateway. */
export const appRouter = router({
  orders: ordersRouter,
  deliveries: deliveriesRouter,
});

/** The router's type: what `@calltouch-gateway/client` is typed by. */
export type AppRouter = typeof appRouter;
