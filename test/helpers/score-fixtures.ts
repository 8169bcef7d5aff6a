/** A small hand-made model, contacts, companies and events, with the scores they must give. */
import { Workspace } from "./cli.js";

export const AS_OF = "2026-06-01";

export const MODEL = `
name: small
version: 1
dimensions:
  - id: fit
    rules:
      - id: senior
        when: { field: jobTitle, matches: "vp|director" }
        points: 20
      - id: big-company
        when: { field: company.employees, gte: 50 }
        points: 10
  - id: engagement
    rules:
      - id: pricing
        event: page_view
        where: { field: url, contains: "/pricing" }
        points: 5
      - id: demo
        event: demo_request
        points: 30
gates:
  - id: unsubscribed
    reason: Unsubscribed from emails
    when: { field: unsubscribed, equals: true }
thresholds:
  temperature: { warm: 20, hot: 40 }
  mql: { minTotal: 40 }
account:
  rollup: { method: max }
`;

/** Line 5 repeats c2, line 6 names an unknown company, line 7 has no id. */
export const CONTACTS = `id,email,jobTitle,companyId,unsubscribed
c1,a@acme.io,VP Sales,co1,false
c2,b@gmail.com,Intern,co2,false
c3,c@acme.io,Director,co1,true
c2,dup@x.io,Intern,co2,false
c4,d@x.io,Analyst,co9,false
,e@x.io,,co1,false
`;

export const COMPANIES = `id,name,employees
co1,Acme,120
co2,Tiny,3
`;

/** Lines 6 and 10: contact c9 has no row; line 7: bad timestamp; line 8: no contact id. */
export const EVENTS = `id,contactId,type,timestamp,url
e1,c1,page_view,2026-05-01T10:00:00Z,https://x.io/pricing
e2,c1,page_view,2026-05-02,https://x.io/pricing
e3,c1,demo_request,1777000000000,
e4,c2,page_view,2026-05-03T00:00:00Z,https://x.io/blog
e5,c9,page_view,2026-05-03T00:00:00Z,https://x.io/pricing
e6,c3,page_view,yesterday,https://x.io/pricing
e7,,page_view,2026-05-03T00:00:00Z,https://x.io/pricing
e8,c3,demo_request,2026-05-04T00:00:00Z,
e9,c9,page_view,2026-05-03T00:00:00Z,https://x.io/pricing
e10,c1,page_view,2026-07-01T00:00:00Z,https://x.io/pricing
`;

/** id → total, fit, engagement, temperature, mql, disqualifications. e10 is after the as-of date. */
export const EXPECTED: Record<string, [number, number, number, string, string, string]> = {
  c1: [70, 30, 40, "hot", "true", ""],
  c2: [0, 0, 0, "cold", "false", ""],
  c3: [60, 30, 30, "hot", "false", "unsubscribed"],
  c4: [0, 0, 0, "cold", "false", ""],
};

/** file:line: kind, as printed on stderr. */
export const EXPECTED_BAD_ROWS = [
  "events.csv:7: bad timestamp",
  "events.csv:8: missing contact id",
  "contacts.csv:5: duplicate contact id",
  "contacts.csv:6: unknown company",
  "contacts.csv:7: missing contact id",
  "events.csv:6: unknown contact",
  "events.csv:10: unknown contact",
];

/** A workspace holding the fixture files: model.yaml, contacts.csv, companies.csv, events.csv. */
export async function fixtureWorkspace(): Promise<Workspace> {
  const ws = await Workspace.create();
  await ws.write("model.yaml", MODEL);
  await ws.write("contacts.csv", CONTACTS);
  await ws.write("companies.csv", COMPANIES);
  await ws.write("events.csv", EVENTS);
  return ws;
}
