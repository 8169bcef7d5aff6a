/** An unknown command fails (exit 2) and names the nearest command, even when --help follows it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nearestName } from "../src/cli/nearest.js";
import { Workspace } from "./helpers/cli.js";

let ws: Workspace;
beforeAll(async () => {
  ws = await Workspace.create("leadscore-unknown-");
});
afterAll(async () => ws?.remove());

describe("an unknown command", () => {
  it.each([
    [["analyse", "--help"], "analyze"],
    [["analyse"], "analyze"],
    [["sreve", "--port", "0"], "serve"],
    [["Explian"], "explain"],
  ])("%j exits 2 and suggests %s", async (args, nearest) => {
    const run = await ws.run(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`unknown command '${args[0]}'; did you mean '${nearest}'?`);
  });

  it("leaves known commands and the general help alone", async () => {
    expect((await ws.run("--help")).code).toBe(0);
    const help = await ws.run("keys", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: leadscore keys");
  });

  it("picks the smallest edit distance, then the longest common beginning", () => {
    expect(nearestName("scroe", ["score", "serve"])).toBe("score");
    expect(nearestName("trian", ["train", "explain"])).toBe("train");
  });
});
