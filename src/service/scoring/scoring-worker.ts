/**
 * Runs in the scoring thread (scoring-thread.ts): a scorer on its own database connection, so
 * that applying events to scores uses another core than the thread answering requests. It
 * learns of new events from the serving thread's kicks (and its own poll), and reports its
 * progress back after each commit.
 */
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { pino } from "pino";
import { openDatabase } from "../../store/database.js";
import { ModelRegistry } from "../models/models.js";
import { Scorer } from "./scorer.js";
import type { FromScoringThread, ScoringThreadData, ToScoringThread } from "./scoring-thread.js";

/**
 * Linux keeps a nice value per thread: this one yields the CPU to the thread answering requests
 * when both want it, and still uses all that is free. (Elsewhere it would lower the whole
 * process: left alone.)
 */
const SCORING_THREAD_NICE = 10;

if (process.platform === "linux") {
  try {
    // Only ever lower: a process already started nicer keeps its priority.
    if (getPriority() < SCORING_THREAD_NICE) setPriority(SCORING_THREAD_NICE);
  } catch {
    // Not allowed here: the thread scores at the process's priority.
  }
}

const data = workerData as ScoringThreadData;
const port = parentPort;
if (!port) throw new Error("scoring-worker.js runs as a worker thread only");
const send = (message: FromScoringThread) => port.postMessage(message);

const log = pino({ level: data.logLevel, name: "scoring-thread" });
const database = await openDatabase(data.database);
/** The serving thread's time, as its last message gave it (a service on a clock other than the wall's). */
let givenNowMs = Date.now();
const clock = data.clock === "wall" ? Date.now : () => givenNowMs;
const scorer = new Scorer(database, new ModelRegistry(), log, clock, {
  ...data.scorer,
  onStats: (stats) => send({ type: "stats", stats: { ...stats } }),
});

port.on("message", (message: ToScoringThread) => {
  if (message.type !== "stop") givenNowMs = message.nowMs;
  switch (message.type) {
    case "start":
      scorer.start();
      break;
    case "kick":
      scorer.kick();
      break;
    case "drain":
      scorer.drain().then(
        () => send({ type: "drained", id: message.id }),
        (error: Error) => send({ type: "drained", id: message.id, error: error.message }),
      );
      break;
    case "stop":
      void scorer
        .stop()
        .then(() => database.close())
        .then(() => {
          send({ type: "stopped" });
          port.close();
        });
      break;
  }
});
send({ type: "ready" });
