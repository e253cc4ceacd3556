// The one Workers extension the worker's sources use that the DOM's SubtleCrypto lacks: declared here so
// that the worker's code, reached through the router's types, type-checks beside the DOM.
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}
