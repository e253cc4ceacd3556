import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Where the browser tests write their screenshots (git-ignored). */
export const outputDir = join(root, "test-results/browser");

/** The system's Chromium; playwright-core brings no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Starts the system's headless Chromium. A machine without it fails the test, loudly: a browser test
 * that skips itself would pass CI without ever running.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: \`scripts/run test\` installs it, or run \`sudo apt-get install -y chromium\`, or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A screenshot's path in the output folder. */
export function screenshot(name: string): string {
  return join(outputDir, `${name}.png`);
}
