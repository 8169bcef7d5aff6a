/**
 * A YAML alias bomb ("billion laughs": nine aliases of nine aliases of ... nine strings, 387
 * million nodes once expanded) uploaded as a model or a trigger file is refused with a 422 that
 * says why, at once and without expanding it, and the service goes on answering.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "./helpers/service.js";

function aliasBomb(levels = 9, fanout = 9): string {
  const names = Array.from({ length: levels }, (_, i) => `l${i}`);
  const lines = [`${names[0]}: &${names[0]} [${Array(fanout).fill('"lol"').join(", ")}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(fanout)
        .fill(`*${names[i - 1]}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

describe("YAML alias bombs", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("sqlite");
  });
  afterAll(async () => svc?.close());

  it.each([
    ["a model", "/v1/models/bomb/versions", (bomb: string) => `name: bomb\nversion: 1\n${bomb}`],
    ["a trigger file", "/v1/triggers/versions", (bomb: string) => `triggers: []\n${bomb}`],
  ])("refuses one in %s with a 422 that names the aliases", async (_what, path, wrap) => {
    const started = Date.now();
    const answer = await svc.call("POST", path, wrap(aliasBomb()));
    expect(answer.status, answer.text).toBe(422);
    expect(JSON.stringify(answer.body.error)).toMatch(/aliases \(\*name\) expand to too much data/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await svc.call("GET", "/health")).status).toBe(200);
  });

  it("still reads files whose anchors are used a few times", async () => {
    const triggers = `triggers:
  - id: hot
    when: { temperature: hot }
    actions: [{ webhook: &hook { url: "https://hooks.example.com/x", secret: "0123456789abcdef" } }]
  - id: mql
    when: { mql: true }
    actions: [{ webhook: *hook }]
`;
    const answer = await svc.call("POST", "/v1/triggers/versions", triggers);
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.triggers).toEqual(["hot", "mql"]);
  });
});
