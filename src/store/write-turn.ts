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

export class WriteTurn {
  private readonly word: Int32Array;

  /** `buffer` is the turn shared with another thread; none: a new one. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.word = new Int32Array(buffer);
  }

  /** Resolves once this thread holds the turn. */
  async acquire(): Promise<void> {
    for (;;) {
      if (Atomics.compareExchange(this.word, 0, FREE, TAKEN) === FREE) return;
      const wait = waitAsync(this.word, 0, TAKEN);
      if (wait.async) await wait.value;
    }
  }

  release(): void {
    Atomics.store(this.word, 0, FREE);
    Atomics.notify(this.word, 0);
  }
}
