// Preloaded into every Node process of a test that must not reach the network
// (NODE_OPTIONS="--import <this file>", NO_NETWORK_LOG=<file>): each connection to, or name lookup of,
// anything but this machine's loopback is refused, as an unreachable network would refuse it, and
// written to NO_NETWORK_LOG, so that the test can show none was needed.

import dns from "node:dns";
import { appendFileSync } from "node:fs";
import net from "node:net";

const log = process.env.NO_NETWORK_LOG ?? "";
const local = (/** @type {unknown} */ host) => host === undefined || /^(localhost|127(\.\d+){3}|::1|\[::1\])$/.test(String(host));
const refuse = (/** @type {string} */ what) => {
  if (log) appendFileSync(log, `${process.argv.slice(1, 3).join(" ")}: ${what}\n`);
  return Object.assign(new Error(`no network in this test: ${what}`), { code: "ENETUNREACH" });
};

const connect = net.Socket.prototype.connect;
/** @this {net.Socket} @param {any[]} args */
net.Socket.prototype.connect = function (...args) {
  // net.connect() hands over [options, callback] already normalized; a direct call passes (options) or (port, host).
  const [first, second] = Array.isArray(args[0]) ? args[0] : args;
  const options =
    typeof first === "object" && first !== null ? first : { port: first, host: typeof second === "string" ? second : undefined };
  if (options.path || local(options.host)) return connect.apply(this, args);
  const error = refuse(`connect ${options.host}:${options.port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};

const lookup = dns.lookup;
/** @param {string} hostname @param {any[]} rest */
dns.lookup = /** @type {typeof dns.lookup} */ (
  (hostname, ...rest) => {
    if (local(hostname)) return lookup(hostname, ...rest);
    const callback = rest.at(-1);
    const error = refuse(`lookup ${hostname}`);
    process.nextTick(() => typeof callback === "function" && callback(error));
  }
);
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = /** @type {typeof dns.promises.lookup} */ (
  (hostname, ...rest) => (local(hostname) ? lookupPromise(hostname, ...rest) : Promise.reject(refuse(`lookup ${hostname}`)))
);
