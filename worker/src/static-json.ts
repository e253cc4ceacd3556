/** What of the ASSETS binding (a `Fetcher`) a reader uses: Node's tests read it without Workers' types. */
export interface StaticAssets {
  fetch(url: URL): Promise<Response>;
}

/**
 * A reader of one JSON file of the deployment's static assets (`worker/public/`), read at the first call
 * of an isolate and kept: a file of the deployment never changes while it runs. Data that every request
 * would pay for in the bundle (its parse at each cold start) but only some requests read goes there. A
 * failed read throws (a 500 with the request id) and is tried again at the next call.
 *
 * @example
 * const words = staticJson<Record<string, string>>("/console-words.json");
 * app.get("/", async (c) => c.text((await words(c.env.ASSETS, c.req.url)).title));
 */
export function staticJson<T>(path: string): (assets: StaticAssets, url: string) => Promise<T> {
  let value: T | undefined;
  return async (assets, url) => {
    if (value !== undefined) return value;
    const response = await assets.fetch(new URL(path, url));
    if (!response.ok) throw new Error(`the static asset ${path} answered ${response.status}`);
    value = (await response.json()) as T;
    return value;
  };
}
