import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The repository's root, where `pnpm build` runs. */
export const ROOT = join(import.meta.dirname, "..", "..", "..");
/** The web app, which the figures of the production server and of the workers start. */
export const WEB_APP_DIR = join(ROOT, "apps", "web");

/** Builds the workspace first: the figures that start the app start it as `pnpm start` does. */
export function buildWorkspace(): void {
  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "ignore" });
}
