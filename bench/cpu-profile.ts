/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): where the samples fall, by function (self
 * time: the function's own code; total time: with everything it called) and by area (a
 * Leadscore source file, an npm package, Node's internals, GC).
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  /** function (file:line) */
  name: string;
  area: string;
  /** Share of the sampled time, in percent. */
  selfPercent: number;
  totalPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Whether only the samples inside the given window were counted. */
  windowed: boolean;
  sampledSeconds: number;
  /** Share of the time the process was busy (not idle), in percent. */
  busyPercent: number;
  bySelf: ProfileLine[];
  byTotal: ProfileLine[];
  areas: Array<{ area: string; selfPercent: number }>;
}

/** Where a frame's code lives: leadscore's file, an npm package, node, or V8 itself. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(?:dist|build-bench\/src)\/(.+)$/.exec(url);
  if (own) return `leadscore ${own[1]}`;
  if (url.startsWith("node:")) return "node internals";
  return url;
}

function nameOf(frame: CallFrame): string {
  const fn = frame.functionName || "(anonymous)";
  if (!frame.url) return fn;
  const file = frame.url.replace(/^.*\/(?:dist|node_modules)\//, "").replace(/^file:\/\//, "");
  return `${fn} (${file}:${frame.lineNumber + 1})`;
}

/**
 * `window`: only the samples taken between these two times, in microseconds of the monotonic
 * clock (process.hrtime in any process on this machine: V8 stamps its samples with the same
 * clock on Linux), such as the load alone, without the server's start and set-up.
 */
export function summariseProfile(
  file: string,
  window?: { fromMicros: number; toMicros: number },
  top = 25,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const windowed =
    window !== undefined && window.fromMicros >= profile.startTime && window.toMicros <= profile.endTime;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const frameOf = new Map<string, CallFrame>();
  let all = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((nodeId, i) => {
    // The delta before a sample is the time that sample stands for (microseconds).
    const micros = Math.max(0, profile.timeDeltas[i] ?? 0);
    at += profile.timeDeltas[i] ?? 0;
    if (windowed && (at < window.fromMicros || at > window.toMicros)) return;
    all += micros;
    const leaf = byId.get(nodeId)!;
    if (leaf.callFrame.functionName === "(idle)") idle += micros;
    const leafName = nameOf(leaf.callFrame);
    frameOf.set(leafName, leaf.callFrame);
    self.set(leafName, (self.get(leafName) ?? 0) + micros);
    const area = areaOf(leaf.callFrame);
    areaSelf.set(area, (areaSelf.get(area) ?? 0) + micros);
    // Total time: count each function once per sample, even when it recurses.
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const name = nameOf(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      frameOf.set(name, frame);
      total.set(name, (total.get(name) ?? 0) + micros);
    }
  });
  const percent = (micros: number) => (all > 0 ? (100 * micros) / all : 0);
  const line = (name: string): ProfileLine => ({
    name,
    area: areaOf(frameOf.get(name)!),
    selfPercent: percent(self.get(name) ?? 0),
    totalPercent: percent(total.get(name) ?? 0),
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name]) => name)
      .filter((name) => name !== "(root)");
  return {
    file,
    windowed,
    sampledSeconds: all / 1e6,
    busyPercent: percent(all - idle),
    bySelf: ranked(self).slice(0, top).map(line),
    byTotal: ranked(total).slice(0, top).map(line),
    areas: [...areaSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, micros]) => ({ area, selfPercent: percent(micros) })),
  };
}

export function profileTable(summary: ProfileSummary): string {
  const pct = (n: number) => `${n.toFixed(1)}%`;
  return [
    `CPU profile ${summary.file}: ${summary.sampledSeconds.toFixed(1)} s sampled ${summary.windowed ? "during the load" : "(whole process: the load's window was not found)"}, busy ${pct(summary.busyPercent)}`,
    "",
    "| area | self |",
    "|---|---|",
    ...summary.areas.slice(0, 15).map((a) => `| ${a.area} | ${pct(a.selfPercent)} |`),
    "",
    "| function (self time) | self | total |",
    "|---|---|---|",
    ...summary.bySelf.map((l) => `| ${l.name} | ${pct(l.selfPercent)} | ${pct(l.totalPercent)} |`),
    "",
    "| function (total time) | total | self |",
    "|---|---|---|",
    ...summary.byTotal.map((l) => `| ${l.name} | ${pct(l.totalPercent)} | ${pct(l.selfPercent)} |`),
  ].join("\n");
}
