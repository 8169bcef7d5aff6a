/**
 * Key scopes over real HTTP, on SQLite and PostgreSQL: every route of the OpenAPI document
 * refuses (403) exactly the keys whose scope does not include the route's, and an ingest key's
 * identify or alias never merges a known contact (it records a merge candidate instead).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { allows, SCOPES, type Scope } from "../src/service/api-keys/api-keys.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

interface Operation {
  method: string;
  path: string;
  scope: Scope;
  description: string;
}

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }) {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(methods))
      if (operation["x-scope"])
        operations.push({
          method: method.toUpperCase(),
          // Parameters get values no route knows: the scope check comes before any lookup.
          path: path.replace(/\{[^}]+\}/g, "nope"),
          scope: operation["x-scope"] as Scope,
          description: String(operation.description),
        });
  return operations;
}

describe.each(BACKENDS)("key scopes on %s", (backend) => {
  let svc: TestService;
  let keys: Record<Scope, string>;

  beforeAll(async () => {
    svc = await startTestService(backend);
    keys = { ingest: svc.ingestKey, read: svc.readKey, write: svc.writeKey, admin: svc.adminKey };
    expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
  });
  afterAll(async () => svc?.close());

  it("lets each route through exactly the keys whose scope includes the route's", async () => {
    const document = (await svc.call("GET", "/openapi.json")).body;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(40);
    const refused: string[] = [];
    const wronglyRefused: string[] = [];
    for (const operation of operations) {
      expect(operation.description).toContain(`Scope: \`${operation.scope}\``);
      for (const scope of SCOPES) {
        // Admin calls that change state are left out: they would publish or delete.
        if (scope === "admin" && operation.method !== "GET") continue;
        const answer = await svc.call(operation.method, operation.path, undefined, keys[scope]);
        const name = `${scope} ${operation.method} ${operation.path}`;
        if (answer.status === 403) refused.push(name);
        if (allows(scope, operation.scope) && answer.status === 403) wronglyRefused.push(name);
        if (!allows(scope, operation.scope)) {
          expect(answer.status, name).toBe(403);
          expect(answer.body.error.code).toBe("forbidden");
        }
      }
    }
    expect(wronglyRefused).toEqual([]);
    expect(refused.length).toBeGreaterThan(50);
  });

  it("gives an ingest key events and Segment calls, and nothing else", async () => {
    const event = { id: "ing-1", contactId: "web-1", type: "page_view" };
    expect((await svc.call("POST", "/v1/events", event, svc.ingestKey)).status).toBe(200);
    const batch = {
      batch: [{ type: "track", event: "Demo Requested", userId: "web-1", messageId: "ing-2" }],
    };
    expect((await svc.call("POST", "/v1/batch", batch, svc.ingestKey)).status).toBe(200);
    const identify = { userId: "web-1", traits: { jobTitle: "CTO" } };
    expect((await svc.call("POST", "/v1/identify", identify, svc.ingestKey)).status).toBe(200);
    const refused = [
      ["GET", "/v1/contacts/web-1"],
      ["GET", "/v1/scores"],
      ["POST", "/v1/contacts", { id: "web-1" }],
      ["POST", "/v1/companies", { id: "acme", properties: {} }],
      ["POST", "/v1/contacts/merge", { survivorId: "web-1", mergedId: "web-2" }],
      ["POST", "/v1/models/b2b/versions", "name: x"],
      ["POST", "/v1/triggers/versions", "triggers: []"],
    ] as const;
    for (const [method, path, body] of refused) {
      const answer = await svc.call(method, path, body, svc.ingestKey);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error.message).toContain("this API key has the ingest scope");
    }
  });

  it("lets a read key read only, a write key upsert but not administer, an admin key do both", async () => {
    expect((await svc.call("POST", "/v1/contacts", { id: "r-1" }, svc.readKey)).status).toBe(403);
    expect((await svc.call("POST", "/v1/events", { id: "r-e", contactId: "r-1" }, svc.readKey)).status).toBe(
      403,
    );
    expect((await svc.call("GET", "/v1/models", undefined, svc.readKey)).status).toBe(200);

    expect((await svc.call("POST", "/v1/contacts", { id: "w-1" }, svc.writeKey)).status).toBe(200);
    expect((await svc.call("POST", "/v1/contacts", { id: "w-2" }, svc.writeKey)).status).toBe(200);
    expect((await svc.call("GET", "/v1/contacts/w-1", undefined, svc.writeKey)).status).toBe(200);
    const model = await readTemplate("b2b");
    const upload = await svc.call("POST", "/v1/models/b2b/versions", model, svc.writeKey);
    expect(upload.status).toBe(403);
    expect(upload.body.error.message).toContain("needs a key with the admin scope");
    const merge = { survivorId: "w-1", mergedId: "w-2" };
    expect((await svc.call("POST", "/v1/contacts/merge", merge, svc.writeKey)).status).toBe(403);

    expect((await svc.call("POST", "/v1/models/b2b/versions", model, svc.adminKey)).status).toBe(201);
    expect((await svc.call("POST", "/v1/contacts/merge", merge, svc.adminKey)).status).toBe(200);
  });

  it("keeps contacts apart when an ingest key identifies with another contact's email", async () => {
    const known = { id: "crm-ana", email: "ana@acme.com", properties: { jobTitle: "CMO" } };
    expect((await svc.call("POST", "/v1/contacts", known, svc.writeKey)).status).toBe(200);
    const identify = { userId: "web-ana", traits: { email: "ana@acme.com", firstName: "Ana" } };
    const answer = await svc.call("POST", "/v1/identify", identify, svc.ingestKey);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ merged: 0, mergeCandidates: 1 });
    const anonymous = { anonymousId: "visitor-9", traits: { email: "ANA@acme.com" } };
    expect((await svc.call("POST", "/v1/identify", anonymous, svc.ingestKey)).body.mergeCandidates).toBe(1);

    const crm = (await svc.call("GET", "/v1/contacts/crm-ana")).body;
    expect(crm).toMatchObject({ id: "crm-ana", email: "ana@acme.com", properties: { jobTitle: "CMO" } });
    expect(crm.properties.firstName).toBeUndefined();
    const web = (await svc.call("GET", "/v1/contacts/web-ana")).body;
    expect(web).toMatchObject({ id: "web-ana", email: null, properties: { firstName: "Ana" } });
    expect((await svc.call("GET", "/v1/contacts/anon:visitor-9")).body.id).toBe("anon:visitor-9");

    const listed = await svc.call("GET", "/v1/contacts/merge-candidates");
    expect(listed.status).toBe(200);
    expect(listed.body.candidates).toHaveLength(2);
    expect(listed.body.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          survivorId: "web-ana",
          mergedId: "crm-ana",
          reason: "email",
          email: "ana@acme.com",
        }),
        expect.objectContaining({ survivorId: "crm-ana", mergedId: "anon:visitor-9", reason: "email" }),
      ]),
    );
    expect((await svc.call("GET", "/v1/contacts/merge-candidates", undefined, svc.writeKey)).status).toBe(
      403,
    );

    // The admin merges one: it leaves the list.
    const merge = { survivorId: "crm-ana", mergedId: "anon:visitor-9" };
    expect((await svc.call("POST", "/v1/contacts/merge", merge)).status).toBe(200);
    const after = (await svc.call("GET", "/v1/contacts/merge-candidates")).body.candidates;
    expect(after.map((candidate: { mergedId: string }) => candidate.mergedId)).toEqual(["crm-ana"]);
  });

  it("merges anonymous visitors but not known contacts on an ingest key's alias", async () => {
    const visit = await svc.call(
      "POST",
      "/v1/events",
      { id: "al-1", contactId: "anon:al-visitor", type: "page_view" },
      svc.ingestKey,
    );
    expect(visit.status).toBe(200);
    await svc.call("POST", "/v1/contacts", { id: "al-known" }, svc.writeKey);
    const stitch = { userId: "al-user", anonymousId: "al-visitor", traits: {} };
    expect((await svc.call("POST", "/v1/identify", stitch, svc.ingestKey)).body.merged).toBe(1);
    const alias = await svc.call(
      "POST",
      "/v1/alias",
      { userId: "al-user", previousId: "al-known" },
      svc.ingestKey,
    );
    expect(alias.body).toMatchObject({ merged: 0, mergeCandidates: 1 });
    expect((await svc.call("GET", "/v1/contacts/al-known")).body.id).toBe("al-known");
    const candidates = (await svc.call("GET", "/v1/contacts/merge-candidates")).body.candidates;
    expect(candidates).toContainEqual(
      expect.objectContaining({ survivorId: "al-user", mergedId: "al-known", reason: "alias" }),
    );
  });

  it("still merges on an identify by email sent with a write key", async () => {
    await svc.call("POST", "/v1/contacts", { id: "crm-bo", email: "bo@acme.com" }, svc.writeKey);
    const identify = { userId: "web-bo", traits: { email: "bo@acme.com" } };
    const answer = await svc.call("POST", "/v1/identify", identify, svc.writeKey);
    expect(answer.body).toMatchObject({ merged: 1, mergeCandidates: 0 });
    expect((await svc.call("GET", "/v1/contacts/crm-bo")).body.id).toBe("web-bo");
  });
});
