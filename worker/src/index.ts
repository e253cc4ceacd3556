import app from "./app";

export { Outbox } from "./outbox/outbox";
export type { AppRouter } from "./trpc/router";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
