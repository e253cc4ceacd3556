/**
 * The Hono every door builds its routes with: Hono's own "tiny" preset, whose PatternRouter turns each
 * route into one regular expression and tries them in turn. The default preset carries two routers
 * (RegExpRouter, with TrieRouter as its fallback) built for apps of hundreds of routes; the gateway has
 * about thirty, and the two cost 2.4 KiB of the gzipped bundle that every cold start loads (bench/size.ts).
 * One difference: a path with a trailing slash (`/v1/orders/`) reaches the route without it.
 *
 * @example export const rest = new Hono<RestEnv>();
 */
export { Hono } from "hono/tiny";
