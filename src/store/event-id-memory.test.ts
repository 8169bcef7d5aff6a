import { describe, expect, it } from "vitest";
import { EventIdMemory, hashEventId } from "./event-id-memory.js";

/** A stand-in for the events table: seq -> id. */
function rows(): { table: Map<number, string>; idAt: (seq: number) => string | undefined } {
  const table = new Map<number, string>();
  return { table, idAt: (seq) => table.get(seq) };
}

describe("EventIdMemory", () => {
  it("finds every id it was given, and no other, across growth", () => {
    const memory = new EventIdMemory();
    const { table, idAt } = rows();
    // 200,000 entries: the table starts with 65,536 slots and grows twice on the way.
    for (let seq = 1; seq <= 200_000; seq++) {
      const id = `evt-${seq.toString(36)}-${(seq * 7919) % 104_729}`;
      table.set(seq, id);
      memory.add(id, seq);
    }
    expect(memory.size).toBe(200_000);
    expect(memory.bytes).toBe(2 ** 19 * 8);
    for (let seq = 1; seq <= 200_000; seq += 997) expect(memory.has(table.get(seq)!, idAt)).toBe(true);
    for (let n = 0; n < 1_000; n++) expect(memory.has(`other-${n}`, idAt)).toBe(false);
  });

  it("checks a matching hash against the stored row: collisions never hide an event", () => {
    // Every id hashes the same: each look-up walks the whole cluster, reading rows.
    const memory = new EventIdMemory(() => 42);
    const { table, idAt } = rows();
    for (let seq = 1; seq <= 50; seq++) {
      table.set(seq, `id-${seq}`);
      memory.add(`id-${seq}`, seq);
    }
    expect(memory.has("id-37", idAt)).toBe(true);
    expect(memory.has("id-51", idAt)).toBe(false);
    // An entry whose row is gone (a rolled-back insert) or holds another event finds nothing.
    table.delete(37);
    expect(memory.has("id-37", idAt)).toBe(false);
    table.set(37, "someone-else");
    expect(memory.has("id-37", idAt)).toBe(false);
  });

  it("refuses a seq it cannot hold", () => {
    const memory = new EventIdMemory();
    expect(() => memory.add("a", 0)).toThrow(/event seq 0 is outside/);
    expect(() => memory.add("a", 2 ** 32)).toThrow(/outside what the id memory holds/);
  });

  it("spreads ids that differ in one character over the slots", () => {
    const low = new Set<number>();
    for (let n = 0; n < 4096; n++) low.add(hashEventId(`node-next-1764500000000-${n}`) & 0xfff);
    // 4,096 ids into 4,096 buckets: a uniform hash fills about 63% of them.
    expect(low.size).toBeGreaterThan(2400);
    expect(hashEventId("abc")).toBe(hashEventId("abc"));
    expect(hashEventId("abc")).not.toBe(hashEventId("abd"));
  });
});
