export { CalltouchState } from "./state";

/**
 * The Calltouch simulator Worker: hands every request to the one `CalltouchState` instance, which serves
 * Calltouch's deals API and the `/__simulator/` control endpoints.
 */
export default {
  fetch(request, env) {
    return env.CALLTOUCH.get(env.CALLTOUCH.idFromName("default")).fetch(request);
  },
} satisfies ExportedHandler<Env>;
