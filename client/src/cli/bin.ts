// The `calltouch-gateway` executable (client/dist/calltouch-gateway.mjs, built by client/scripts/build-cli.mjs).
import { main } from "./main";

process.on("SIGINT", () => {
  // The state file is written after every accepted call, so stopping here loses nothing.
  process.stderr.write("\ninterrupted: run the same command again to resume\n");
  process.exit(130);
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
