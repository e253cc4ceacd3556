// Reads a static-assets `_headers` file as Cloudflare does when it deploys one (wrangler's parseHeaders in
// workers-shared, which no published package exports): a path line, then its indented `Name: value`
// lines and `! Name` lines that remove a header. A line it cannot read is skipped with a problem that
// names it, as `wrangler deploy` warns and skips, so that one file means the same on both targets.
// The rules are applied by assets-router.mjs.

/** Cloudflare's limits: rules past the hundredth, and longer lines, are skipped. */
const MAX_RULES = 100;
const MAX_LINE_LENGTH = 2000;

/** A line that starts a rule: a path, or a URL with a scheme. */
const PATH_LINE = /^([^\s]+:\/\/|\/)/;
const ABSOLUTE_URL = /^https:\/\/+(?<host>[^/]+)\/?(?<path>.*)/;

/**
 * @typedef {{ path: string; set: Record<string, string>; unset: string[] }} HeadersRule
 *   `path` is a pathname, or `https://<host><pathname>`; both may hold one `*` and `:placeholders`.
 *   `set`'s names are lower-case; a name given twice in one rule has its values joined with ", ".
 * @typedef {{ line: number; message: string }} HeadersProblem
 */

/**
 * The rules of a `_headers` file, in the file's order (a path given twice keeps its first place and its
 * last headers, as on Cloudflare), and the lines it skipped.
 *
 * @example
 * parseHeadersFile("/static/*\n  Cache-Control: public, max-age=31536000, immutable\n");
 * // { rules: [{ path: "/static/*", set: { "cache-control": "public, max-age=31536000, immutable" }, unset: [] }], problems: [] }
 *
 * @param {string} text
 * @returns {{ rules: HeadersRule[]; problems: HeadersProblem[] }}
 */
export function parseHeadersFile(text) {
  /** @type {Map<string, HeadersRule>} */
  const rules = new Map();
  /** @type {HeadersProblem[]} */
  const problems = [];
  /** @type {HeadersRule | undefined} */
  let rule;
  let ruleLine = 0;
  // After a path it skips, the lines of that path are skipped too, without a problem each.
  let skipping = false;
  const finish = () => {
    if (!rule) return;
    if (Object.keys(rule.set).length > 0 || rule.unset.length > 0) rules.set(rule.path, rule);
    else problems.push({ line: ruleLine, message: `${rule.path} has no headers` });
    rule = undefined;
  };

  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const number = index + 1;
    const problem = (/** @type {string} */ message) => problems.push({ line: number, message });
    if (line === "" || line.startsWith("#")) continue;
    if (line.length > MAX_LINE_LENGTH) {
      problem(`longer than ${MAX_LINE_LENGTH} characters`);
      continue;
    }
    if (PATH_LINE.test(line)) {
      finish();
      if (rules.size >= MAX_RULES) {
        problem(`more than ${MAX_RULES} rules: this one and the rest of the file are skipped`);
        break;
      }
      const { path, error } = rulePath(line);
      skipping = path === undefined;
      if (path === undefined) problem(error);
      else [rule, ruleLine] = [{ path, set: {}, unset: [] }, number];
      continue;
    }
    if (skipping) continue;
    if (!rule) {
      problem("a header before any path");
      continue;
    }
    if (line.startsWith("! ")) {
      rule.unset.push(line.slice(2).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (colon < 0) problem("expected `Name: value` or `! Name`");
    else if (name === "" || /\s/.test(name)) problem("a header name must be one word");
    else if (value === "") problem(`${name} has no value`);
    else rule.set[name] = name in rule.set ? `${rule.set[name]}, ${value}` : value;
  }
  finish();
  return { rules: [...rules.values()], problems };
}

/**
 * A rule's path as Cloudflare matches it: a pathname normalized as a URL's, or `https://host/pathname`.
 * @param {string} token
 * @returns {{ path: string; error?: undefined } | { path?: undefined; error: string }}
 */
function rulePath(token) {
  const absolute = ABSOLUTE_URL.exec(token)?.groups;
  if (!absolute && !token.startsWith("/")) return { error: `${token}: a path starts with / and a URL with https://` };
  if (absolute && /:\d+$/.test(absolute.host ?? "")) return { error: `${token}: a URL with a port never matches` };
  const path = absolute ? `https://${absolute.host}${pathname(absolute.path ?? "")}` : pathname(token);
  if ((path.match(/\*/g) ?? []).length > 1) return { error: `${token}: only one * per path (name the others, e.g. :name)` };
  if (path.includes("*") && /:splat(?!\w)/.test(path)) return { error: `${token}: * and :splat cannot be combined` };
  return { path };
}

/** `path` resolved and percent-encoded as a request's pathname is. */
function pathname(/** @type {string} */ path) {
  return new URL(`//${path.startsWith("/") ? path : `/${path}`}`, "relative://").pathname;
}
