/**
 * `leadscore alerts` (dead letters, deliveries, replay) on a real SQLite database. The command
 * module is run in-process through commander (its registration in the CLI's main is one line).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { register } from "../src/cli/commands/alerts.js";
import { openDatabase } from "../src/store/database.js";

const dir = mkdtempSync(join(tmpdir(), "leadscore-alerts-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function row(id: string, status: string, attempts: number, lastError: string | null) {
  return {
    id,
    trigger_id: "hot",
    contact_id: `c-${id}`,
    model_key: "b2b",
    kind: "webhook",
    target: "{}",
    payload: "{}",
    status,
    attempts,
    next_attempt_ms: 1_000,
    last_error: lastError,
    created_ms: Number(id.replace(/\D/g, "")),
    finished_ms: status === "pending" ? null : 2_000,
  };
}

/** Runs `leadscore alerts ...` and returns what it printed (or the error it threw). */
async function run(...args: string[]): Promise<{ out: string; error?: Error }> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["node", "leadscore", "alerts", ...args, "--data-dir", dir]);
    return { out };
  } catch (error) {
    return { out, error: error as Error };
  } finally {
    spy.mockRestore();
  }
}

describe("leadscore alerts", () => {
  beforeAll(async () => {
    const database = await openDatabase({ dataDir: dir });
    await database.db
      .insertInto("alert_outbox")
      .values([
        row("d1", "dead", 8, "HTTP 500"),
        row("d2", "dead", 8, "no answer in 5000 ms"),
        row("d3", "delivered", 1, null),
        row("d4", "pending", 2, "HTTP 503"),
      ])
      .execute();
    await database.close();
  });

  it("lists dead letters with their attempts and last error", async () => {
    const { out } = await run("dead-letters");
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^d2 {2}dead .* 8 attempts {2}hot {2}c-d2 {2}no answer in 5000 ms$/);
    expect(lines[1]).toMatch(/^d1 .*HTTP 500$/);
    const json = JSON.parse((await run("dead-letters", "--json")).out);
    expect(json.map((d: { id: string }) => d.id)).toEqual(["d2", "d1"]);
  });

  it("lists deliveries by status and refuses an unknown status", async () => {
    expect((await run("deliveries", "--status", "pending")).out).toMatch(/^d4 {2}pending/);
    expect((await run("deliveries", "--status", "lost")).error?.message).toContain("--status must be one of");
  });

  it("replays the dead letters named, then all, and says when a delivery is not dead", async () => {
    expect((await run("replay", "d1")).out).toBe("replayed 1 dead letter\n");
    expect((await run("replay", "d3")).error?.message).toBe("delivery d3 is not a dead letter");
    expect((await run("replay", "nope")).error?.message).toBe("delivery nope not found");
    expect((await run("replay")).error?.message).toContain("give delivery ids or --all");
    expect((await run("replay", "--all")).out).toBe("replayed 1 dead letter\n");
    expect((await run("dead-letters")).out).toBe("none\n");
    const pending = JSON.parse((await run("deliveries", "--status", "pending", "--json")).out);
    expect(pending.map((d: { id: string; attempts: number }) => [d.id, d.attempts]).sort()).toEqual([
      ["d1", 0],
      ["d2", 0],
      ["d4", 2],
    ]);
  });
});
