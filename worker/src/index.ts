import app from "./app";

export type { AppRouter } from "./trpc/router";
export { Outbox } from "./outbox/outbox";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
