/**
 * Whose turn it is to write to the SQLite file, among the threads of this process (the serving
 * thread and the scoring thread each have a connection). SQLite lets one connection write at a
 * time; a connection that finds the file locked sleeps in its busy handler (1, 2, 5, 10 ms and
 * longer) and blocks its thread meanwhile. Taking turns through shared memory instead hands the
 * file over the moment the writer commits, and the waiting thread waits without blocking its
 * event loop (the serving thread keeps reading requests, which join its next commit). Other
 * processes on the same file still meet the busy handler.
 */

/** `Atomics.waitAsync` (ES2024; Node 16+), which the ES2022 library typings lack. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const FREE = 0;
const TAKEN = 1;
/** The turn word, then per connection the microseconds it held the turn and waited for it. */
const BYTES = 8 + 4 * 8;

/** The connection that made the turn (the serving thread's), and the one it was shared with. */
export const TURN_HOLDERS = ["serving", "scoring"] as const;

export interface TurnUsage {
  connection: (typeof TURN_HOLDERS)[number];
  heldSeconds: number;
  waitedSeconds: number;
}

export class WriteTurn {
  readonly buffer: SharedArrayBuffer;
  private readonly word: Int32Array;
  private readonly times: BigInt64Array;
  /** This connection's slots in `times`: 0 for the turn's maker, 2 for the other. */
  private readonly slot: number;
  private heldSince = 0;

  /** `shared` is the turn of another thread's connection; none: a new one. */
  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(BYTES);
    this.word = new Int32Array(this.buffer, 0, 1);
    this.times = new BigInt64Array(this.buffer, 8, 4);
    this.slot = shared ? 2 : 0;
  }

  /** Resolves once this thread holds the turn. */
  async acquire(): Promise<void> {
    const asked = performance.now();
    for (;;) {
      if (Atomics.compareExchange(this.word, 0, FREE, TAKEN) === FREE) break;
      const wait = waitAsync(this.word, 0, TAKEN);
      if (wait.async) await wait.value;
    }
    this.heldSince = performance.now();
    Atomics.add(this.times, this.slot + 1, micros(this.heldSince - asked));
  }

  release(): void {
    Atomics.add(this.times, this.slot, micros(performance.now() - this.heldSince));
    Atomics.store(this.word, 0, FREE);
    Atomics.notify(this.word, 0);
  }

  /** How long each connection held the turn and waited for it, since the turn was made. */
  usage(): TurnUsage[] {
    return TURN_HOLDERS.map((connection, i) => ({
      connection,
      heldSeconds: Number(Atomics.load(this.times, 2 * i)) / 1e6,
      waitedSeconds: Number(Atomics.load(this.times, 2 * i + 1)) / 1e6,
    }));
  }
}

function micros(ms: number): bigint {
  return BigInt(Math.round(ms * 1000));
}
