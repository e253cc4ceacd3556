import { app } from "./app";
import { SimulatorState } from "./state";

/**
 * The Durable Object of `wrangler.toml`: the simulator's state (`state.ts`) serving its routes (`app.ts`).
 * The two meet here, so that neither imports the other's module back.
 */
export class CalltouchState extends SimulatorState {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, { simulator: this });
  }
}

/**
 * The Calltouch simulator Worker: hands every request to the one `CalltouchState` instance, which serves
 * Calltouch's deals API and the `/__simulator/` control endpoints.
 */
export default {
  fetch(request, env) {
    return env.CALLTOUCH.get(env.CALLTOUCH.idFromName("default")).fetch(request);
  },
} satisfies ExportedHandler<Env>;
