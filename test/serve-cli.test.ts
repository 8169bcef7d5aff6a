/**
 * `leadscore serve --demo` (what `npm start` runs) as a newcomer meets it: a real process that
 * loads the demo, prints its URL and a key, answers over HTTP, stops cleanly on SIGTERM, and
 * keeps its data across restarts. Also `leadscore keys`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_ENV_VARS, configSchema } from "../src/service/config.js";
import { ROOT, Workspace } from "./helpers/cli.js";

const BIN = join(ROOT, "bin", "leadscore.js");

interface Served {
  child: ChildProcess;
  url: string;
  key: string | undefined;
  output: () => string;
}

/** Starts `serve` and resolves once it prints its URL. */
function serve(dir: string, args: string[]): Promise<Served> {
  const child = spawn("node", [BIN, "serve", "--port", "0", "--data-dir", join(dir, "data"), ...args], {
    cwd: dir,
    env: { ...process.env, LOG_LEVEL: "warn", DATABASE_URL: "", NO_COLOR: "1" },
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Leadscore dashboard: (http:\/\/\S+)/.exec(out)?.[1];
      if (url && /\n.*(demo API key|create an API key)/.test(out.slice(out.indexOf(url)))) {
        clearTimeout(timer);
        resolve({ child, url, key: /(lsk_[A-Za-z0-9_-]+)/.exec(out)?.[1], output: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

/**
 * The data folder holds emails and a key: it must be 0700 and every file in it 0600. Returns the
 * files seen (the modes are checked here).
 */
function privateModes(dir: string): { files: string[] } {
  expect((statSync(dir).mode & 0o777).toString(8), dir).toBe("700");
  const files = readdirSync(dir);
  for (const name of files) expect((statSync(join(dir, name)).mode & 0o777).toString(8), name).toBe("600");
  return { files };
}

function stop(served: Served): Promise<number | null> {
  return new Promise((resolve) => {
    served.child.removeAllListeners("exit");
    served.child.on("exit", (code) => resolve(code));
    served.child.kill("SIGTERM");
  });
}

let ws: Workspace;
beforeAll(async () => {
  ws = await Workspace.create("leadscore-serve-");
});
afterAll(async () => ws?.remove());

describe("leadscore serve --demo", () => {
  it("loads the demo, prints the URL and a key, answers, stops on SIGTERM, restarts with its data", async () => {
    const first = await serve(ws.dir, ["--demo", "--demo-contacts", "120"]);
    expect(first.output()).toMatch(/120 contacts, \d+ events scored/);
    expect(first.key).toBeDefined();
    expect(first.output()).toMatch(/demo API key \(admin scope/);
    // The dashboard's URL comes first, then the admin's one-time password, which logs in.
    const running = first.output().slice(first.output().indexOf("\nLeadscore dashboard:") + 1);
    expect(running.split("\n")[0]).toBe(`Leadscore dashboard: ${first.url}`);
    const password = /^ {2}log in as admin, password (\S+)/m.exec(running)?.[1];
    expect(password).toBeDefined();
    const login = await fetch(`${first.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${first.key}` };
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toMatchObject({ status: "ok", database: "sqlite" });
    const models = (await (await fetch(`${first.url}/v1/models`, { headers: auth })).json()) as {
      models: { key: string; published: boolean }[];
    };
    expect(models.models).toEqual([expect.objectContaining({ key: "b2b", published: true })]);
    const score = await fetch(`${first.url}/v1/contacts/c000001/score`, { headers: auth });
    expect(score.status).toBe(200);
    const body = (await score.json()) as { scores: { ledger: unknown[] }[] };
    expect(body.scores[0].ledger.length).toBeGreaterThan(0);
    const files = privateModes(join(ws.dir, "data"));
    expect(files.files).toEqual(
      expect.arrayContaining(["demo-api-key.txt", "leadscore.db", "leadscore.db-wal"]),
    );
    expect(await stop(first)).toBe(0);
    expect(privateModes(join(ws.dir, "data")).files).toContain("event-ids.bin");

    const second = await serve(ws.dir, ["--demo", "--demo-contacts", "120"]);
    expect(second.output()).toMatch(/already has contacts/);
    expect(second.key).toBe(first.key);
    expect(second.output()).toMatch(/log in with your dashboard user/);
    expect(second.output()).not.toContain(password);
    const again = await fetch(`${second.url}/v1/contacts/c000001`, { headers: auth });
    expect(again.status).toBe(200);
    expect(await stop(second)).toBe(0);
  });

  it("creates, lists and revokes API keys; a revoked key is refused", async () => {
    const data = ["--data-dir", join(ws.dir, "keys-data")];
    const created = await ws.run("keys", "create", "--name", "crm sync", "--scope", "read", ...data);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^lsk_[0-9a-f]{12}_/);
    const id = key.split("_")[1];
    const listed = await ws.run("keys", "list", "--json", ...data);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id, name: "crm sync", scope: "read", revokedAt: null }),
    ]);
    expect(listed.stdout).not.toContain(key);
    const bad = await ws.run("keys", "create", "--name", "x", "--scope", "owner", ...data);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scope must be one of ingest, read, write, admin/);
    const help = await ws.run("keys", "create", "--help");
    for (const scope of ["ingest", "read", "write", "admin"])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${scope} +\\S`));

    const served = await serve(ws.dir, ["--data-dir", join(ws.dir, "keys-data")]);
    expect(
      (await fetch(`${served.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    const write = await fetch(`${served.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "e1", contactId: "c1", type: "page_view" }),
    });
    expect(write.status).toBe(403);
    expect(await stop(served)).toBe(0);
    expect((await ws.run("keys", "revoke", id, ...data)).code).toBe(0);
    const restarted = await serve(ws.dir, ["--data-dir", join(ws.dir, "keys-data")]);
    expect(
      (await fetch(`${restarted.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);
    expect(await stop(restarted)).toBe(0);
  });

  it("lists every setting in --help, each documented in the settings table of docs/settings.md", async () => {
    const help = await ws.run("serve", "--help");
    expect(help.code).toBe(0);
    const page = readFileSync(join(ROOT, "docs", "settings.md"), "utf8");
    const start = page.indexOf("| setting (config file key)");
    const end = page.indexOf("A config file (YAML");
    expect(start, "docs/settings.md lost its settings table").toBeGreaterThan(-1);
    expect(end, "docs/settings.md lost the paragraph after its table").toBeGreaterThan(start);
    const table = page.slice(start, end);
    for (const key of Object.keys(configSchema.shape)) {
      expect(help.stdout).toMatch(new RegExp(`\\b${key}\\b`));
      expect(table, `docs/settings.md table lacks ${key}`).toContain(`\`${key}\``);
    }
    for (const name of CONFIG_ENV_VARS) {
      expect(help.stdout).toMatch(new RegExp(`\\b${name}\\b`));
      expect(table, `docs/settings.md table lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});
