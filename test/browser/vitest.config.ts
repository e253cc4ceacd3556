import { nodeProject } from "../node-project.ts";

// Drives a real Chromium (Debian's, /usr/bin/chromium) through playwright-core from Node: the website
// form of examples/ against the dev servers, and the browser helper against a stub gateway.
export default nodeProject("browser");
