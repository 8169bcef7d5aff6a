/**
 * The ids of stored events, in memory, for idempotent ingest on SQLite (migration 009 dropped
 * the unique index on `events.event_id`). Senders' ids are mostly random (UUID v4 from
 * RudderStack and the mobile SDKs): each new one went to a random leaf of that index, and
 * SQLite's log writes whole pages, so every event rewrote a 4 KB page at commit: inserts with
 * random ids were several times slower with the index than without, and the batched ingest
 * bench acknowledged far fewer events/s with random ids than with ordered ones
 * (bench/HISTORY.md).
 *
 * An open-addressing table of (32-bit hash of the id, seq of its row): 8 bytes a slot, at most
 * three quarters full, so 11 to 21 bytes an event. A hash is not proof: every match is checked
 * against the stored row, so a collision costs a row read, never a lost event.
 * Pure: the store feeds it and answers the row reads.
 */

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser to spread the low bits. */
export function hashEventId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const INITIAL_SLOTS = 1 << 16;
/** Seqs are kept as 32-bit numbers: past this, the table cannot hold them. */
export const MAX_REMEMBERED_SEQ = 0xffff_ffff;

export class EventIdMemory {
  /** Slot i: hash at 2i, seq at 2i + 1; seq 0 marks an empty slot (seqs start at 1). */
  private slots = new Uint32Array(INITIAL_SLOTS * 2);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  constructor(private readonly hash: (id: string) => number = hashEventId) {}

  /** A memory made from the slots of another (`slots`), as saved by `event-id-snapshot.ts`. */
  static fromSlots(slots: Uint32Array<ArrayBuffer>): EventIdMemory {
    const pairs = slots.length / 2;
    if (pairs < INITIAL_SLOTS || (pairs & (pairs - 1)) !== 0)
      throw new RangeError(`${pairs} slots: expected a power of two of at least ${INITIAL_SLOTS}`);
    const memory = new EventIdMemory();
    memory.slots = slots;
    memory.mask = pairs - 1;
    for (let i = 1; i < slots.length; i += 2) if (slots[i] !== 0) memory.count++;
    if (memory.count * 4 > pairs * 3)
      throw new RangeError(`${memory.count} events in ${pairs} slots: too full`);
    return memory;
  }

  /** The table itself (hash, seq pairs), to save; not a copy. */
  get rawSlots(): Uint32Array {
    return this.slots;
  }

  /** Events remembered. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Remembers that the row `seq` holds the event `id`. */
  add(id: string, seq: number): void {
    this.addHashed(this.hash(id), seq);
  }

  /** True when an event with this id is stored; `storedIdAt(seq)` reads the id of a row whose hash matches. */
  has(id: string, storedIdAt: (seq: number) => string | undefined): boolean {
    const hash = this.hash(id);
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const seq = slots[slot * 2 + 1];
      if (seq === 0) return false;
      if (slots[slot * 2] === hash && storedIdAt(seq) === id) return true;
    }
  }

  private addHashed(hash: number, seq: number): void {
    if (!Number.isInteger(seq) || seq < 1 || seq > MAX_REMEMBERED_SEQ)
      throw new RangeError(`event seq ${seq} is outside what the id memory holds (1..${MAX_REMEMBERED_SEQ})`);
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const slots = this.slots;
    let slot = hash & this.mask;
    while (slots[slot * 2 + 1] !== 0) slot = (slot + 1) & this.mask;
    slots[slot * 2] = hash;
    slots[slot * 2 + 1] = seq;
    this.count++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.addHashed(old[i], old[i + 1]);
  }
}
