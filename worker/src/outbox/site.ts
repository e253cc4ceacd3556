/**
 * The outbox of a Calltouch site: one Durable Object per site id, so that each site's changes are
 * ordered, batched and rate limited together wherever the calls arrive.
 *
 * @example const result = await outboxOf(env, principal.site).enqueue(request);
 */
export function outboxOf(env: Env, site: string) {
  return env.OUTBOX.get(env.OUTBOX.idFromName(site));
}
