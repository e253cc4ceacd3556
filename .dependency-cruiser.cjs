// The walls between the layers (CONTRIBUTING.md, "The walls"), checked on every import by `pnpm run walls`, which the
// test command runs. A broken wall fails with the rule's name and its comment: read the comment, then move
// the code to the layer that may own it rather than widening the rule.
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "contract-imports-nothing-local",
      comment:
        "The contract (@calltouch-gateway/contract) is the public API that the worker, the client and partners build on; it depends on none of them.",
      severity: "error",
      from: { path: "^contract/" },
      to: { path: "^(worker|client|simulator|test|bench|scripts|examples)/" },
    },
    {
      name: "doors-reach-the-queue-through-services",
      comment:
        "A door (tRPC, REST, drop-in, forms, console) speaks a protocol and calls worker/src/services/ (orders, deliveries), the only way to the outbox; it never imports the outbox or the Calltouch client.",
      severity: "error",
      from: { path: "^worker/src/(trpc|rest|dropin|forms|console)/", pathNot: "[.]test[.]ts$" },
      to: { path: "^worker/src/(outbox|calltouch)/" },
    },
    {
      name: "calltouch-client-knows-no-queue",
      comment:
        "The Calltouch client sends one request and classifies its answer; what is queued, retried or given up is the outbox's business.",
      severity: "error",
      from: { path: "^worker/src/calltouch/" },
      to: { path: "^worker/src/(outbox|services|trpc|rest|dropin|forms|console)/" },
    },
    {
      name: "outbox-knows-no-callers",
      comment:
        "The outbox stores and delivers changes; who asked for them (a door, a service, a key) is above it. It may use the Calltouch client below it and nothing higher.",
      severity: "error",
      from: { path: "^worker/src/outbox/", pathNot: "[.]test[.]ts$" },
      to: { path: "^worker/src/(services|access|trpc|rest|dropin|forms|console)/" },
    },
    {
      name: "services-know-no-doors",
      comment:
        "A service (orders, deliveries) answers every door alike; a protocol's shape belongs in its door, so a service never imports one.",
      severity: "error",
      from: { path: "^worker/src/services/" },
      to: { path: "^worker/src/(trpc|rest|dropin|forms|console)/" },
    },
    {
      name: "access-knows-no-doors-or-queue",
      comment:
        "Access decides who may knock (keys, scopes, origins, limits) before anything is stored: it reads no queue and no protocol, so its rules hold the same at every door.",
      severity: "error",
      from: { path: "^worker/src/access/", pathNot: "[.]test[.]ts$" },
      to: { path: "^worker/src/(services|outbox|calltouch|trpc|rest|dropin|forms|console)/" },
    },
    {
      name: "shared-files-know-no-layer",
      comment:
        "The files at worker/src/'s root (settings, the key file's schema, log, masking, memo, result, hono) are used by the outbox and every layer above it, so they import none of those, nor access/: a type they need is declared with them. (settings.ts reads the Calltouch client's bounds from calltouch/client.ts, the one layer below the outbox.)",
      severity: "error",
      from: { path: "^worker/src/(settings|settings-doc|key-file|log|mask|memo|result|hono)[.]ts$" },
      to: { path: "^worker/src/(access|outbox|services|trpc|rest|dropin|forms|console)/" },
    },
    {
      name: "simulator-stands-alone",
      comment:
        "The simulator plays Calltouch as Calltouch would: it shares no code with the gateway, so that a bug cannot agree with itself.",
      severity: "error",
      from: { path: "^simulator/" },
      to: { path: "^(worker|contract|client|test|bench)/" },
    },
    {
      name: "client-takes-only-types-from-the-worker",
      comment:
        "The client imports the worker for the router's type only (`import type`): Worker code in the client would ship to partners' apps.",
      severity: "error",
      from: { path: "^client/" },
      to: { path: "^worker/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-cycles",
      comment:
        "Modules import each other in one direction only, type-only imports included: a cycle makes two modules one, whatever the files say.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a cycle of types is still a cycle, and the client's one import of the worker is one.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/|[.]d[.]ts$|^worker/public/" },
    // `cloudflare:workers` and the like are the runtime's, resolved by no file.
    builtInModules: { add: ["cloudflare:workers", "cloudflare:test", "cloudflare:sockets"] },
    // Follow package.json "exports", as the bundlers do: the workspace's packages point at their sources there.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default"],
      mainFields: ["module", "main", "types"],
    },
  },
};
