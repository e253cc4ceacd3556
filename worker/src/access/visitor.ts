/**
 * The visitor an IP address stands for, as per-visitor limits count them: an IPv4 address by itself,
 * an IPv6 address by its /64. One subscriber usually holds a whole /64 and may pick any address in it,
 * so counting IPv6 addresses one by one would give a script 2^64 fresh budgets. Addresses are read by
 * the URL parser (WHATWG's host parser), so that every spelling of one address (`::ffff:1.2.3.4`,
 * `2001:DB8:0:0::1`, zero-padded groups) counts as that address; what is no address is one visitor,
 * `invalid`, whose budget every such request shares.
 *
 * @example visitorOf("2001:db8:1:2:aaaa::1") === visitorOf("2001:db8:1:2:bbbb::2") // "2001:db8:1:2::/64"
 * @example visitorOf("203.0.113.7") // "203.0.113.7"
 */
export function visitorOf(ip: string | undefined): string {
  if (!ip) return "unknown";
  const host = URL.parse(`http://${ip.includes(":") ? `[${ip}]` : ip}/`)?.hostname;
  if (!host) return "invalid";
  if (!host.startsWith("[")) return IPV4.test(host) ? host : "invalid";
  const groups = expand(host.slice(1, -1));
  // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is that IPv4 visitor.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The eight groups of an IPv6 address as the URL parser serializes it (lower-case, `::` for the longest zeros). */
function expand(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
