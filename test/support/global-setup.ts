/** Builds dist/ once before the tests that run the `leadscore` binary; a type error stops the run. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0)
    throw new Error(`the build failed, so the CLI tests cannot run:\n${build.stdout}${build.stderr}`);
}
