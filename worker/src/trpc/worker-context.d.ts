// The members of the tRPC context that only the Worker knows (see `WorkerContext` in trpc.ts). Every
// tsconfig that type-checks the worker's sources includes this file; the client package's declarations
// never do, so the router's type reaches partner apps without Workers types or the gateway's settings.
import type { Settings } from "../settings";

declare module "./trpc" {
  interface WorkerContext {
    env: Env;
    settings: Settings;
  }
}
