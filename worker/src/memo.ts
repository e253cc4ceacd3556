/**
 * The value of `key` in `cache`, made by `make` the first time it is asked for. Settings are read once
 * per environment, so everything built from them (clients, digests, middleware) is built once too.
 *
 * @example const client = memo(clients, options, () => createCalltouchClient(options));
 */
export function memo<K, V>(cache: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
