import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "leadscore-config-"));

describe("service configuration", () => {
  it("has defaults that need nothing else (embedded SQLite on 127.0.0.1:8080)", () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      dataDir: ".leadscore/data",
      decayIntervalSeconds: 3600,
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("reads a YAML file, lets the environment override it and options override both", () => {
    const file = join(dir, "leadscore.yaml");
    writeFileSync(file, "port: 9001\nhost: 0.0.0.0\ndataDir: /var/lib/leadscore\nlogLevel: warn\n");
    const fromFile = loadConfig({ file, env: {} });
    expect(fromFile).toMatchObject({
      port: 9001,
      host: "0.0.0.0",
      dataDir: "/var/lib/leadscore",
      logLevel: "warn",
    });
    const env = { PORT: "9002", DATABASE_URL: "postgres://u@db:5432/x", LEADSCORE_CONFIG: file };
    const fromEnv = loadConfig({ env });
    expect(fromEnv).toMatchObject({ port: 9002, host: "0.0.0.0", databaseUrl: "postgres://u@db:5432/x" });
    expect(loadConfig({ env, overrides: { port: "9003" } }).port).toBe(9003);
  });

  it("names the setting, its variable and the reason when a value is bad", () => {
    expect(() => loadConfig({ env: { PORT: "eighty" } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { PORT: "eighty" } })).toThrow(/port \(or PORT\)/);
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "port: 8080\nunknownSetting: 1\n");
    expect(() => loadConfig({ file, env: {} })).toThrow(/bad\.yaml[\s\S]*unknownSetting/);
    expect(() => loadConfig({ file: join(dir, "missing.yaml"), env: {} })).toThrow(
      /cannot read the config file/,
    );
  });

  it("bounds scoring passes only when scoringPassEvents is set, to a positive integer", () => {
    expect(loadConfig({ env: {} }).scoringPassEvents).toBeUndefined();
    expect(loadConfig({ env: { LEADSCORE_SCORING_PASS_EVENTS: "50000" } }).scoringPassEvents).toBe(50_000);
    expect(() => loadConfig({ env: { LEADSCORE_SCORING_PASS_EVENTS: "0" } })).toThrow(
      /scoringPassEvents \(or LEADSCORE_SCORING_PASS_EVENTS\)/,
    );
    expect(() => loadConfig({ env: { LEADSCORE_SCORING_PASS_EVENTS: "many" } })).toThrow(/scoringPassEvents/);
  });

  it("scores in a thread on SQLite by default, and takes on, off or auto", () => {
    expect(loadConfig({ env: {} }).scoringThread).toBe("auto");
    expect(loadConfig({ env: { LEADSCORE_SCORING_THREAD: "off" } }).scoringThread).toBe(false);
    expect(loadConfig({ env: { LEADSCORE_SCORING_THREAD: "on" } }).scoringThread).toBe(true);
    expect(loadConfig({ env: {}, overrides: { scoringThread: false } }).scoringThread).toBe(false);
    expect(() => loadConfig({ env: { LEADSCORE_SCORING_THREAD: "sometimes" } })).toThrow(
      /scoringThread \(or LEADSCORE_SCORING_THREAD\)/,
    );
  });
});
