/**
 * The accepted events of a file in order, for the lockstep (--grouped) mode. `step()` is
 * synchronous while the current batch lasts, so the loop awaits once per batch of rows rather
 * than once per event; bad rows are reported when the next batch is read.
 */
import type { RecordSource, Row } from "../../io/source.js";
import type { BadRowKind, BadRowLog } from "./bad-rows.js";
import { type AcceptedEvent, checkEvent, isRejected } from "./event-rows.js";
import type { Progress } from "./progress.js";
import type { EventReader } from "./readers.js";

export interface PendingEvent {
  row: Row;
  event: AcceptedEvent;
}

export class EventCursor {
  /** The event under the cursor; undefined at the end. */
  current: PendingEvent | undefined;
  private rows: Row[] = [];
  private next = 0;
  private ended: boolean;
  private readonly batches: AsyncIterator<Row[]> | undefined;
  private readonly bad: { row: Row; kind: BadRowKind; message: string }[] = [];

  constructor(
    private readonly events: { source: RecordSource; reader: EventReader } | undefined,
    private readonly badRows: BadRowLog,
    private readonly progress: Progress,
  ) {
    this.batches = events?.source.batches()[Symbol.asyncIterator]();
    this.ended = events === undefined;
  }

  /** Moves to the next accepted event or the end; false when a batch must be read first. */
  step(): boolean {
    while (this.next < this.rows.length) {
      const row = this.rows[this.next++];
      const event = checkEvent(row, this.events!.reader);
      if (!isRejected(event)) {
        this.current = { row, event };
        return true;
      }
      this.bad.push({ row, kind: event.kind, message: event.message });
    }
    if (this.ended) this.current = undefined;
    return this.ended;
  }

  async advance(): Promise<void> {
    while (!this.step()) {
      await this.flush();
      const batch = await this.batches!.next();
      this.progress.update();
      if (batch.done) this.ended = true;
      else [this.rows, this.next] = [batch.value, 0];
    }
  }

  /** Reports the bad rows met so far. */
  async flush(): Promise<void> {
    for (const { row, kind, message } of this.bad.splice(0))
      await this.badRows.add(kind, this.events!.source.path, row.line, message);
  }
}
