/**
 * retryConflicts against a real PostgreSQL deadlock: two transactions lock two rows in opposite
 * orders; PostgreSQL aborts ours (it waited first, so its deadlock check runs first), the other
 * commits, and ours runs again and succeeds. Other errors are not retried, nor anything on SQLite.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTransientConflict, retryConflicts } from "../src/store/conflicts.js";
import { POSTGRES_URL } from "./helpers/service.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!POSTGRES_URL)("retryConflicts on PostgreSQL", () => {
  const table = `conflicts_${process.pid}_${Date.now().toString(36)}`;
  let ours: pg.Client;
  let other: pg.Client;

  beforeAll(async () => {
    ours = new pg.Client({ connectionString: POSTGRES_URL });
    other = new pg.Client({ connectionString: POSTGRES_URL });
    await ours.connect();
    await other.connect();
    await ours.query(`create table ${table} (id int primary key, v int not null)`);
    await ours.query(`insert into ${table} values (1, 0), (2, 0)`);
  });

  afterAll(async () => {
    await ours?.query(`drop table if exists ${table}`);
    await ours?.end();
    await other?.end();
  });

  it("runs a deadlocked transaction again once the other one has committed", async () => {
    await other.query("begin");
    await other.query(`select v from ${table} where id = 2 for update`);
    // Once ours waits for row 2, the other asks for row 1, which ours holds: a cycle.
    const otherDone = (async () => {
      await sleep(300);
      await other.query(`select v from ${table} where id = 1 for update`);
      await other.query(`update ${table} set v = v + 10 where id = 1`);
      await other.query("commit");
    })();
    let attempts = 0;
    const retried: unknown[] = [];
    const result = await retryConflicts(
      "postgres",
      async () => {
        attempts++;
        await ours.query("begin");
        try {
          await ours.query(`select v from ${table} where id = 1 for update`);
          await ours.query(`select v from ${table} where id = 2 for update`);
          await ours.query(`update ${table} set v = v + 1`);
          await ours.query("commit");
          return attempts;
        } catch (error) {
          await ours.query("rollback");
          throw error;
        }
      },
      { onRetry: (error) => retried.push((error as { code?: string }).code) },
    );
    await otherDone;
    expect(result).toBe(2);
    expect(retried).toEqual(["40P01"]);
    const rows = await ours.query(`select id, v from ${table} order by id`);
    expect(rows.rows).toEqual([
      { id: 1, v: 11 },
      { id: 2, v: 1 },
    ]);
  }, 20_000);

  it("does not retry other errors", async () => {
    let attempts = 0;
    await expect(
      retryConflicts("postgres", async () => {
        attempts++;
        await ours.query(`insert into ${table} values (1, 0)`);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(attempts).toBe(1);
  });
});

describe("retryConflicts elsewhere", () => {
  it("tells PostgreSQL's deadlock and serialization codes from the rest", () => {
    expect(isTransientConflict({ code: "40P01" })).toBe(true);
    expect(isTransientConflict({ code: "40001" })).toBe(true);
    expect(isTransientConflict({ code: "23505" })).toBe(false);
    expect(isTransientConflict(new Error("x"))).toBe(false);
    expect(isTransientConflict(null)).toBe(false);
  });

  it("runs once on SQLite, where a single writer cannot deadlock", async () => {
    let attempts = 0;
    await expect(
      retryConflicts("sqlite", async () => {
        attempts++;
        throw Object.assign(new Error("deadlock"), { code: "40P01" });
      }),
    ).rejects.toThrow("deadlock");
    expect(attempts).toBe(1);
  });
});
