// The front of a self-hosted Worker that has static assets (wrangler.toml [assets]): what Cloudflare's
// asset router does before the Worker runs, for the assets self-hosting serves (static-assets.mjs: exact
// paths, no _redirects). A request on a path of `run_worker_first` goes to the Worker at once, unchanged,
// without looking for an asset. Otherwise a request whose path names an asset is answered from the asset,
// GET and HEAD only (any other method gets 405, as on Cloudflare); every other request goes to the Worker
// unchanged.
// Asset answers carry Cloudflare's headers (ETag, Content-Type, `Cache-Control: public, max-age=0,
// must-revalidate` unless the request is authorized or ranged, 304 for a matching If-None-Match) and then
// those of `_headers` (headers-file.mjs), on every answer of an asset, 405 and 307 included.
//
// workerd runs it as a service of its own (workerd-config.mjs) with these bindings:
//   WORKER    the Worker's service          FILES     a disk service over the assets' snapshot
//   MANIFEST  { [pathname]: { etag, contentType } }, one entry per asset
//   HEADERS   the `_headers` rules, in the file's order
//   WORKER_FIRST  the `run_worker_first` patterns (`/api/*`; `!/api/docs/*` excludes, and wins)

/**
 * @typedef {{ etag: string; contentType: string | null }} Asset
 * @typedef {import("./headers-file.mjs").HeadersRule} HeadersRule
 * @typedef {{ fetch(request: Request): Promise<Response> }} Service
 * @typedef {{ WORKER: Service; FILES: Service; MANIFEST: Record<string, Asset>; HEADERS: HeadersRule[]; WORKER_FIRST: string[] }} Env
 */

// Nothing but the handler is exported: workerd takes every export of a main module for an entrypoint.

/** Cloudflare's Cache-Control for an asset that `_headers` gives no other. */
const DEFAULT_CACHE_CONTROL = "public, max-age=0, must-revalidate";

/** The compiled `_headers` rules of each HEADERS binding: compiled once per isolate. */
const compiled = new WeakMap();

/** The compiled `run_worker_first` patterns of each WORKER_FIRST binding: compiled once per isolate. */
const workerFirst = new WeakMap();

export default {
  /**
   * @example await router.fetch(new Request("http://gw.example/static/app.js"), env); // the asset, or the Worker's answer
   * @param {Request} request
   * @param {Env} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = decodePath(url.pathname);
    if (runsWorkerFirst(path, env.WORKER_FIRST)) return env.WORKER.fetch(request);
    const asset = Object.hasOwn(env.MANIFEST, path) ? env.MANIFEST[path] : undefined;
    if (!asset) return env.WORKER.fetch(request);
    const response = await answer(request, env, url, path, asset);
    return withRuleHeaders(response, url, rulesOf(env.HEADERS));
  },
};

/**
 * @param {Request} request
 * @param {Env} env
 * @param {URL} url
 * @param {string} path the decoded pathname that names the asset
 * @param {Asset} asset
 */
async function answer(request, env, url, path, asset) {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405, statusText: "Method Not Allowed" });
  // One URL per asset: another spelling of its path (percent-encoded, doubled slashes) is sent to it.
  const canonical = encodePath(path);
  if (canonical !== url.pathname) return new Response(null, { status: 307, headers: { Location: `${canonical}${url.search}` } });

  const headers = new Headers({ ETag: `"${asset.etag}"` });
  if (asset.contentType) headers.set("Content-Type", asset.contentType);
  if (!request.headers.has("Authorization") && !request.headers.has("Range")) headers.set("Cache-Control", DEFAULT_CACHE_CONTROL);
  const ifNoneMatch = request.headers.get("If-None-Match");
  if (ifNoneMatch === `"${asset.etag}"` || ifNoneMatch === `W/"${asset.etag}"`) return new Response(null, { status: 304, headers });

  const file = await env.FILES.fetch(new Request(`http://assets${canonical}`, { method: request.method }));
  // The snapshot is the launcher's, written before workerd started: a missing file is a broken start.
  if (!file.ok) throw new Error(`the asset ${canonical} is missing from the snapshot (${file.status})`);
  const length = file.headers.get("Content-Length");
  if (length !== null) headers.set("Content-Length", length);
  return new Response(request.method === "HEAD" ? null : file.body, { status: 200, headers });
}

/**
 * Applies every matching rule in order, as Cloudflare does: a rule's `! Name`s first, then its headers,
 * each replacing the answer's own header the first time its name is set and adding to it after that.
 *
 * @param {Response} response
 * @param {URL} url
 * @param {CompiledRule[]} rules
 */
function withRuleHeaders(response, url, rules) {
  const matches = rules.flatMap((rule) => {
    const found = rule.pattern.exec(rule.crossHost ? `https://${url.hostname}${url.pathname}` : url.pathname);
    return found ? [{ rule, groups: found.groups ?? {} }] : [];
  });
  if (matches.length === 0) return response;
  const answer = new Response(response.body, response);
  const set = new Set();
  for (const { rule, groups } of matches) {
    for (const name of rule.unset) answer.headers.delete(name);
    for (const [name, value] of Object.entries(rule.set)) {
      const filled = Object.entries(groups).reduce((text, [group, part]) => text.replaceAll(`:${group}`, part), value);
      if (set.has(name)) answer.headers.append(name, filled);
      else answer.headers.set(name, filled);
      set.add(name);
    }
  }
  return answer;
}

/**
 * The rules with their patterns; a rule whose path makes no RegExp (a placeholder named twice) never
 * matches, as on Cloudflare.
 *
 * @typedef {HeadersRule & { pattern: RegExp; crossHost: boolean }} CompiledRule
 * @param {HeadersRule[]} rules
 * @returns {CompiledRule[]}
 */
function rulesOf(rules) {
  let found = compiled.get(rules);
  if (!found) {
    found = rules.flatMap((rule) => {
      try {
        return [{ ...rule, pattern: patternOf(rule.path), crossHost: rule.path.startsWith("https://") }];
      } catch {
        return [];
      }
    });
    compiled.set(rules, found);
  }
  return found;
}

/**
 * Whether `run_worker_first` sends `path` (decoded, as assets are looked up) to the Worker before any asset
 * is looked for: a pattern matches it and no `!` pattern does.
 * @param {string} path
 * @param {string[]} patterns
 */
function runsWorkerFirst(path, patterns) {
  let found = workerFirst.get(patterns);
  if (!found) {
    const of = (/** @type {boolean} */ excluding) =>
      patterns.filter((pattern) => pattern.startsWith("!") === excluding).map((pattern) => patternOf(pattern.replace(/^!/, "")));
    found = { include: of(false), exclude: of(true) };
    workerFirst.set(patterns, found);
  }
  const matches = (/** @type {RegExp} */ pattern) => pattern.test(path);
  return found.include.some(matches) && !found.exclude.some(matches);
}

/**
 * A rule's path as a RegExp, as Cloudflare builds it: `*` matches anything (as `:splat`), `:name` one
 * path segment (in the host: one label).
 * @param {string} path
 */
function patternOf(path) {
  let source = path
    .split("*")
    .map((part) => part.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&"))
    .join("(?<splat>.*)");
  source = source.replace(/(?<=^https:\\\/\\\/[^/]*?):([A-Za-z]\w*)(?=\\)/g, "(?<$1>[^/.]+)");
  source = source.replace(/:([A-Za-z]\w*)/g, "(?<$1>[^/]+)");
  return new RegExp(`^${source}$`);
}

/** A pathname decoded segment by segment (a segment that is not valid percent-encoding stays as it is), slashes collapsed. */
function decodePath(/** @type {string} */ pathname) {
  return pathname
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/")
    .replace(/\/+/g, "/");
}

function encodePath(/** @type {string} */ path) {
  return path.split("/").map(encodeURIComponent).join("/");
}
