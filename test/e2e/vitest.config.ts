import { nodeProject } from "../node-project.ts";

// Drives the real development servers from Node, as a developer would after `scripts/run dev`.
export default nodeProject("e2e");
