import { env } from "cloudflare:workers";
import app from "./app";
import { announceRuntime } from "./runtime";

export { Egress } from "./outbox/egress";
export { Outbox } from "./outbox/outbox";
export type { AppRouter } from "./trpc/router";

announceRuntime(env);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
