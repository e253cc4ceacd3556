import app from "./app";

export type { AppRouter } from "./trpc/router";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
