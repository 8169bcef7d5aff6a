/**
 * Predictive models in the service, over real HTTP on SQLite (and PostgreSQL when configured):
 * a model trained by `leadscore train --contacts` on the demo generator's files is uploaded and
 * published; the demo's companies, contacts and events go in through the API; each contact's
 * prediction then equals what `leadscore predict --contacts --as-of` computes from the files;
 * the refresh stores them, and a contact whose probability rises past a trigger's threshold
 * alerts once, to a real webhook receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECEIVER_ALLOWED } from "./helpers/alerts.js";
import { Workspace, type Workspace as Ws } from "./helpers/cli.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";
import { startReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const AS_OF = "2026-09-01T00:00:00Z";
const SECRET = "test-secret-0123456789";

interface Files {
  ws: Ws;
  artifact: Record<string, unknown>;
  contacts: Record<string, string>[];
  companies: Record<string, string>[];
  events: Record<string, string>[];
  /** `leadscore predict --as-of` output, by contact id. */
  expected: Map<string, { probability: number; tier: string }>;
}

let files: Files;

beforeAll(async () => {
  const ws = await Workspace.create();
  const demo = await ws.run(
    ...["demo", "--out", "demo", "--contacts", "1500", "--events-per-contact", "20", "--seed", "7"],
  );
  expect(demo.code, demo.stderr).toBe(0);
  const train = await ws.run(
    ...["train", "--contacts", "demo/contacts.csv", "--events", "demo/events.csv"],
    ...["--companies", "demo/companies.csv", "--snapshots", "2026-06-01,2026-07-01,2026-08-01"],
    ...["--min-positives", "20", "--min-negatives", "50", "--out", "model.json"],
  );
  expect(train.code, train.stderr).toBe(0);
  const predict = await ws.run(
    ...["predict", "--model", "model.json", "--contacts", "demo/contacts.csv"],
    ...["--events", "demo/events.csv", "--companies", "demo/companies.csv", "--as-of", AS_OF],
    ...["--out", "scored.csv"],
  );
  expect(predict.code, predict.stderr).toBe(0);
  const expected = new Map(
    (await ws.readCsv("scored.csv")).map((row) => [
      row.id,
      { probability: Number(row.probability), tier: row.tier },
    ]),
  );
  files = {
    ws,
    artifact: JSON.parse(await ws.read("model.json")),
    contacts: await ws.readCsv("demo/contacts.csv"),
    companies: await ws.readCsv("demo/companies.csv"),
    events: await ws.readCsv("demo/events.csv"),
    expected,
  };
}, 60_000);
afterAll(() => files?.ws.remove());

/** Non-empty cells as properties; numbers as numbers for events, as the CLI reads them. */
function cells(row: Record<string, string>, skip: string[], numbers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (skip.includes(key) || value === "") continue;
    out[key] = numbers && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return out;
}

async function load(svc: TestService): Promise<void> {
  const companies = files.companies.map((row) => ({ id: row.id, properties: cells(row, ["id"], false) }));
  expect((await svc.call("POST", "/v1/companies/batch", { companies })).status).toBe(200);
  const seen = new Set<string>();
  const contacts = files.contacts.map((row) => {
    // One email per contact in the service: the demo's shared junk addresses stay on the first.
    const email = seen.has(row.email) ? undefined : row.email;
    seen.add(row.email);
    return {
      id: row.id,
      ...(email ? { email } : {}),
      companyId: row.companyId || null,
      properties: cells(row, ["id", "email", "companyId", "convertedAt"], false),
    };
  });
  const answer = await svc.call("POST", "/v1/contacts/batch", { contacts });
  expect(answer.status, answer.text).toBe(200);
  for (let i = 0; i < files.events.length; i += 5000) {
    const events = files.events.slice(i, i + 5000).map((row) => ({
      id: row.id,
      contactId: row.contactId,
      type: row.type,
      timestamp: row.timestamp,
      properties: cells(row, ["id", "contactId", "type", "timestamp"], true),
    }));
    // Answered once scored, so that predictions read every event.
    const sent = await svc.call("POST", "/v1/events/batch?wait=scored", { events });
    expect(sent.status, sent.text).toBe(200);
  }
}

describe.each(BACKENDS)("predictive models in the service (%s)", (backend) => {
  let svc: TestService;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    svc = await startTestService(
      backend,
      // The demo's events run past AS_OF (the service's "now"): accepted as a sender's clock
      // ahead by up to 120 days would be.
      { ...RECEIVER_ALLOWED, alertRetryBaseMs: 40, alertRetryMaxMs: 200, maxClockSkewSeconds: 120 * 86_400 },
      { clock: () => Date.parse(AS_OF) },
    );
    await load(svc);
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    await receiver?.close();
  });

  it("refuses a flat-table artifact and a damaged one with the JSON path and why, storing nothing", async () => {
    const { contacts: _derivation, ...flatSchema } = files.artifact.schema as Record<string, unknown>;
    const flat = await svc.call("POST", "/v1/predictive/models/pm/versions", {
      ...files.artifact,
      schema: flatSchema,
    });
    expect(flat.status).toBe(422);
    expect(flat.body.error.issues[0].field).toBe("schema.contacts");
    expect(flat.body.error.message).toMatch(/trained on a flat table .*train --contacts/);
    const damaged = structuredClone(files.artifact) as { tiers: { cuts: unknown[] } };
    damaged.tiers.cuts[1] = "high";
    const bad = await svc.call("POST", "/v1/predictive/models/pm/versions", damaged);
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues[0].field).toBe("tiers.cuts[1]");
    expect((await svc.call("GET", "/v1/predictive/models")).body.models).toEqual([]);
  });

  it("uploads, lists and publishes versions (admin scope)", async () => {
    const denied = await svc.call("POST", "/v1/predictive/models/pm/versions", files.artifact, svc.readKey);
    expect(denied.status).toBe(403);
    const none = await svc.call("GET", "/v1/contacts/c000001/prediction");
    expect(none.body.predictions).toEqual([]);
    const up = await svc.call("POST", "/v1/predictive/models/pm/versions", files.artifact);
    expect(up.status, up.text).toBe(201);
    expect(up.body).toMatchObject({ key: "pm", version: 1, kind: "gbdt", horizonDays: 90, published: false });
    const source = await svc.call("GET", "/v1/predictive/models/pm/versions/1");
    expect(JSON.parse(source.text).format).toBe("leadscore.predictive/1");
    const published = await svc.call("POST", "/v1/predictive/models/pm/versions/1/publish");
    expect(published.status).toBe(200);
    expect((await svc.call("GET", "/v1/predictive/models")).body.models[0].published).toBe(true);
  });

  it("predicts each contact exactly as `leadscore predict --contacts --as-of` does", async () => {
    const ids = files.contacts.filter((_, i) => i % 30 === 0).map((row) => row.id);
    const tiers = new Set<string>();
    for (const id of ids) {
      const answer = await svc.call("GET", `/v1/contacts/${id}/prediction`, undefined, svc.readKey);
      expect(answer.status, answer.text).toBe(200);
      const [prediction] = answer.body.predictions;
      const cli = files.expected.get(id)!;
      expect(prediction.asOf).toBe("2026-09-01T00:00:00.000Z");
      expect(Math.abs(prediction.probability - cli.probability), id).toBeLessThan(1e-6);
      expect(prediction.tier, id).toBe(cli.tier);
      tiers.add(prediction.tier);
      expect(prediction.factors.up.length + prediction.factors.down.length).toBeGreaterThan(0);
    }
    expect(tiers.size).toBeGreaterThan(1);
    // Alongside the rule scores, on request.
    const both = await svc.call(
      "GET",
      `/v1/contacts/${ids[1]}/score?predictions=true`,
      undefined,
      svc.readKey,
    );
    expect(both.status, both.text).toBe(200);
    expect(both.body.scores).toEqual([]);
    expect(
      Math.abs(both.body.predictions[0].probability - files.expected.get(ids[1])!.probability),
    ).toBeLessThan(1e-6);
    expect((await svc.call("GET", `/v1/contacts/${ids[1]}/score`)).body.predictions).toBeUndefined();
  });

  it("stores every contact's prediction on refresh, then alerts once when one rises past the threshold", async () => {
    // New contacts, each copying the properties of one of the contacts the model likes best,
    // without their events; the probe is the one whose events matter most to the model.
    const candidates = [...files.expected].sort((a, b) => b[1].probability - a[1].probability).slice(0, 30);
    const rowOf = (id: string) => files.contacts.find((row) => row.id === id)!;
    const probes = candidates.map(([id], k) => ({
      id: `probe-${k}`,
      companyId: rowOf(id).companyId || null,
      properties: cells(rowOf(id), ["id", "email", "companyId", "convertedAt"], false),
    }));
    expect((await svc.call("POST", "/v1/contacts/batch", { contacts: probes })).status).toBe(200);
    let pick = 0;
    let uplift = Number.NEGATIVE_INFINITY;
    for (const [k, [, expected]] of candidates.entries()) {
      const live = (await svc.call("GET", `/v1/contacts/probe-${k}/prediction`)).body.predictions[0];
      if (expected.probability - live.probability > uplift) {
        uplift = expected.probability - live.probability;
        pick = k;
      }
    }
    const bestId = candidates[pick][0];
    const probe = `probe-${pick}`;
    const contacts = files.contacts.length + probes.length;
    const first = await svc.call("POST", "/v1/predictive/refresh");
    expect(first.body).toEqual({ contacts, changed: contacts, alerts: 0 });
    for (const row of files.contacts.filter((_, i) => i % 60 === 0)) {
      const { stored } = (await svc.call("GET", `/v1/contacts/${row.id}/prediction`)).body.predictions[0];
      expect(Math.abs(stored.probability - files.expected.get(row.id)!.probability), row.id).toBeLessThan(
        1e-6,
      );
      expect(stored.tier, row.id).toBe(files.expected.get(row.id)!.tier);
      expect(stored.asOf).toBe("2026-09-01T00:00:00.000Z");
    }
    const before = (await svc.call("GET", `/v1/contacts/${probe}/prediction`)).body.predictions[0];

    // The best contact's behaviour (as of the clock) becomes the probe's: its features, then its probability.
    const own = files.events.filter(
      (row) => row.contactId === bestId && Date.parse(row.timestamp) <= Date.parse(AS_OF),
    );
    const events = own.map((row, i) => ({
      id: `probe-${i}`,
      contactId: probe,
      type: row.type,
      timestamp: row.timestamp,
      properties: cells(row, ["id", "contactId", "type", "timestamp"], true),
    }));
    // Answered once scored: a live prediction reads the events scoring has applied.
    expect((await svc.call("POST", "/v1/events/batch?wait=scored", { events })).status).toBe(200);
    const after = (await svc.call("GET", `/v1/contacts/${probe}/prediction`)).body.predictions[0];
    expect(after.stored.probability).toBeCloseTo(before.probability, 12);
    expect(Math.abs(after.probability - files.expected.get(bestId)!.probability)).toBeLessThan(1e-6);
    expect(after.probability - before.probability).toBeGreaterThan(0.05);

    const threshold = Math.round(((before.probability + after.probability) / 2) * 1e4) / 1e4;
    const triggers = `triggers:
  - id: likely-buyer
    model: pm
    when: { predicted: probability, above: ${threshold}, hysteresis: 0.01 }
    actions:
      - webhook: { url: "${receiver.url}", secret: "${SECRET}" }
`;
    expect((await svc.call("POST", "/v1/triggers/versions", triggers)).status).toBe(201);
    expect((await svc.call("POST", "/v1/triggers/versions/1/publish")).status).toBe(200);

    const second = await svc.call("POST", "/v1/predictive/refresh");
    expect(second.body).toEqual({ contacts, changed: 1, alerts: 1 });
    const third = await svc.call("POST", "/v1/predictive/refresh");
    expect(third.body).toMatchObject({ changed: 0, alerts: 0 });
    const deadline = Date.now() + 10_000;
    while (receiver.accepted.size < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.accepted.size).toBe(1);
    const [delivered] = [...receiver.accepted.values()];
    const payload = JSON.parse(delivered.body);
    expect(payload).toMatchObject({
      type: "leadscore.alert",
      trigger: { id: "likely-buyer" },
      contact: { id: probe },
      model: { key: "pm", version: 1, kind: "predictive", horizonDays: 90 },
      cause: { cause: "prediction", asOf: "2026-09-01T00:00:00.000Z" },
    });
    expect(payload.previous.probability).toBeCloseTo(before.probability, 12);
    expect(payload.current.probability).toBeCloseTo(after.probability, 12);
    expect(payload.factors.up.length).toBeGreaterThan(0);
  });

  it("refuses a lifecycle action on a prediction trigger; unpublishing removes stored predictions", async () => {
    const bad = `triggers:
  - id: tier
    when: { predicted: tier, in: [very high] }
    actions:
      - lifecycle: { stage: mql }
`;
    const answer = await svc.call("POST", "/v1/triggers/versions", bad);
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toMatch(/prediction trigger can only send webhooks and emails/);
    expect((await svc.call("DELETE", "/v1/predictive/models/pm/published")).status).toBe(204);
    const gone = await svc.call("GET", "/v1/contacts/c000001/prediction");
    expect(gone.body.predictions).toEqual([]);
    expect((await svc.call("POST", "/v1/predictive/refresh")).body).toEqual({
      contacts: 0,
      changed: 0,
      alerts: 0,
    });
  });
});

describe("the periodic refresh", () => {
  it("stores predictions after each decay pass, without being asked", async () => {
    const svc = await startTestService(
      "sqlite",
      { decayIntervalSeconds: 1 },
      { clock: () => Date.parse(AS_OF) },
    );
    try {
      const contacts = files.contacts.slice(0, 3).map((row) => ({
        id: row.id,
        properties: cells(row, ["id", "email", "companyId", "convertedAt"], false),
      }));
      expect((await svc.call("POST", "/v1/contacts/batch", { contacts })).status).toBe(200);
      expect((await svc.call("POST", "/v1/predictive/models/pm/versions", files.artifact)).status).toBe(201);
      expect((await svc.call("POST", "/v1/predictive/models/pm/versions/1/publish")).status).toBe(200);
      const read = async () => (await svc.call("GET", `/v1/contacts/${contacts[2].id}/prediction`)).body;
      const deadline = Date.now() + 10_000;
      while ((await read()).predictions[0].stored === null && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const [prediction] = (await read()).predictions;
      expect(prediction.stored).not.toBeNull();
      expect(prediction.stored.probability).toBeCloseTo(prediction.probability, 12);
    } finally {
      await svc.close();
    }
  });
});
