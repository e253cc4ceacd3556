import autocannon from "autocannon";

/** What one load of a Worker measured. */
export interface LoadResult {
  /** Responses per second, averaged over the seconds of the load. */
  rps: number;
  /** Latency percentiles in milliseconds (autocannon records whole milliseconds). */
  p50: number;
  p99: number;
  /** Responses in all, and those that were not 2xx, by status (e.g. `{ "429": 12 }`). */
  responses: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  /** CPU milliseconds per response of the Worker's processes (`cpuOf`), over the measured seconds. */
  cpuMsPerResponse: number;
}

/** The POST every connection sends again and again, with the n-th body of the whole load from `body(n)`. */
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: (n: number) => string;
}

/**
 * Loads `request.url` with `connections` connections, each sending its next request when the previous one
 * is answered, for `seconds`, after `warmupSeconds` of the same load whose results are dropped (the first
 * requests compile code and create the Durable Object and its tables). `cpuOf` reads the CPU milliseconds
 * the Worker's processes used so far (`bench/lib/proc.ts`): what one response costs does not depend on how
 * much of the machine the load got, when other work shares it.
 *
 * @example const { rps, p99 } = await load({ url, headers: {}, body: (n) => JSON.stringify({ orderNumber: n }) }, { connections: 64, seconds: 30, warmupSeconds: 3 });
 */
export async function load(
  request: LoadRequest,
  { connections, seconds, warmupSeconds }: { connections: number; seconds: number; warmupSeconds: number },
  cpuOf: () => number,
): Promise<LoadResult> {
  let sent = 0;
  const { pathname, search } = new URL(request.url);
  const options: autocannon.Options = {
    url: request.url,
    connections,
    requests: [
      {
        method: "POST",
        path: pathname + search,
        headers: { "content-type": "application/json", ...request.headers },
        setupRequest: (next) => ({ ...next, body: request.body(sent++) }),
      },
    ],
  };
  if (warmupSeconds > 0) await autocannon({ ...options, duration: warmupSeconds });
  const cpuBefore = cpuOf();
  const result = await autocannon({ ...options, duration: seconds });
  const cpuUsed = cpuOf() - cpuBefore;
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {})
      .filter(([status]) => !status.startsWith("2"))
      .map(([status, { count }]) => [status, count ?? 0]),
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses: result.requests.total,
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    cpuMsPerResponse: cpuUsed / Math.max(1, result.requests.total),
  };
}
