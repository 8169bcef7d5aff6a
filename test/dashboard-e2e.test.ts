/**
 * The dashboard end to end: Debian's Chromium (playwright-core, headless) against the real
 * service on 127.0.0.1 with a small demo, on SQLite and (when configured) PostgreSQL. Logs in,
 * filters leads, opens a lead and adds its ledger up on the page, switches to French, logs out
 * and is refused. axe-core runs on every page (no serious or critical violation) and every page
 * is saved as a screenshot in both languages under test-results/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_ROOT } from "../src/server/dashboard/static.js";
import { ROOT } from "./helpers/cli.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PASSWORD = "correct horse battery staple";
const STEP_MS = 120_000;

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(WEB_ROOT, "index.html")))
    throw new Error(`the dashboard is not built (${WEB_ROOT}): run npm run build first`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core in the page (evaluated, so the page's CSP stays on): serious and critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`,
    );
}

/** A data call from the page itself, with its cookies: the status it gets. */
async function dataCallStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch("/v1/scores?limit=1")).status);
}

/** Numbers as the page prints them in English ("+1,234.5", "−3") or French ("1 234,5"). */
function parseShown(text: string): number {
  const clean = text
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(/\u2212/g, "-")
    .replace(/^\+/, "");
  return Number(
    clean.includes(",") && !clean.includes(".") ? clean.replace(",", ".") : clean.replace(/,/g, ""),
  );
}

const round2 = (n: number) => Math.round(n * 100) / 100;

describe.each(BACKENDS)("the dashboard on %s", (backend) => {
  let svc: TestService;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  /** The hottest lead, which gets a few more events so its history has several steps. */
  let hotId: string;

  async function check(name: string, language: "en" | "fr"): Promise<void> {
    expect(await seriousViolations(page), `${name} (${language})`).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `${backend}-${name}-${language}.png`), fullPage: true });
  }

  beforeAll(async () => {
    svc = await startTestService(backend, {}, { demo: { contacts: 120, seed: 11 } });
    await svc.server.service.users.create("ana", "admin", PASSWORD);
    // A hot lead below the top of the scale, so that new events move its total (and its history).
    const hot = await svc.call("GET", "/v1/scores?temperature=hot&maxTotal=85&limit=1");
    hotId = hot.body.items[0].contactId;
    const now = Date.now();
    for (const [index, url] of ["/pricing", "/services", "/blog/lead-scoring"].entries()) {
      const sent = await svc.call("POST", "/v1/events?wait=scored", {
        id: `e2e-${index}`,
        contactId: hotId,
        type: "page_view",
        timestamp: new Date(now - (3 - index) * 60_000).toISOString(),
        properties: { url, duration_s: 60 },
      });
      expect(sent.status, sent.text).toBe(200);
    }
    context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
  }, STEP_MS);

  afterAll(async () => {
    await context?.close();
    await svc?.close();
  });

  it(
    "shows only the login form before login, and every data call is 401",
    async () => {
      await page.goto(`${svc.url}/leads`);
      await page.getByRole("heading", { name: "Log in to Leadscore" }).waitFor();
      expect(await page.locator("table").count()).toBe(0);
      expect(await dataCallStatus(page)).toBe(401);
      await page.getByLabel("User name").fill("ana");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").filter({ hasText: "Unknown user name or wrong password." }).waitFor();
      await check("login", "en");
    },
    STEP_MS,
  );

  it(
    "logs in and lists the leads, ranked, with temperature, grade, MQL, band and dimensions",
    async () => {
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("heading", { name: "Leads" }).waitFor();
      const rows = page.locator("table.leads-table tbody tr");
      await rows.first().waitFor();
      expect(await rows.count()).toBe(25);
      const totals = (await rows.locator('[data-field="total"]').allTextContents()).map(parseShown);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
      const headers = await page.locator("table.leads-table thead th").allTextContents();
      expect(headers).toEqual(
        expect.arrayContaining(["Temperature", "Grade", "MQL", "Band", "fit", "engagement"]),
      );
      expect(await dataCallStatus(page)).toBe(200);
      await check("leads", "en");
    },
    STEP_MS,
  );

  it(
    "filters by temperature, MQL and search, with the filters in the URL",
    async () => {
      const rows = page.locator("table.leads-table tbody tr");
      await page.getByLabel("Temperature").selectOption("warm");
      await page.waitForURL(/temperature=warm/);
      await expect
        .poll(async () => new Set(await rows.locator('[data-field="temperature"]').allTextContents()))
        .toEqual(new Set(["warm"]));
      await page.getByLabel("Temperature").selectOption("hot");
      await page.getByLabel("MQL", { exact: true }).selectOption("true");
      await page.waitForURL(/mql=true/);
      const expected = await svc.call("GET", "/v1/scores?temperature=hot&mql=true&limit=25");
      // Once the page shows the new answer: only hot MQLs, the ones the API lists.
      await expect
        .poll(async () => ({
          temperatures: new Set(await rows.locator('[data-field="temperature"]').allTextContents()),
          mql: new Set(await rows.locator('[data-field="mql"]').allTextContents()),
          ids: await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-contact"))),
        }))
        .toEqual({
          temperatures: new Set(["hot"]),
          mql: new Set(["MQL"]),
          ids: expected.body.items.map((item: { contactId: string }) => item.contactId),
        });
      // Search by a last name: every row shown has it.
      const name: string = expected.body.items[0].name;
      const lastName = name.split(" ").at(-1)!;
      await page.getByLabel("Search name, email or company").fill(lastName.toLowerCase());
      await page.waitForURL(new RegExp(`search=${lastName.toLowerCase()}`));
      await expect
        .poll(async () => {
          const texts = (await rows.allTextContents()).map((text) => text.toLowerCase());
          return texts.length > 0 && texts.every((text) => text.includes(lastName.toLowerCase()));
        })
        .toBe(true);
      // The CSV export link carries the same filters.
      const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
      expect(href).toMatch(/^\/v1\/scores\/export\?/);
      expect(href).toContain("temperature=hot");
      expect(href).toContain("mql=true");
      const csv = await page.evaluate(async (url) => {
        const response = await fetch(url);
        return { status: response.status, text: await response.text() };
      }, href!);
      expect(csv.status).toBe(200);
      expect(csv.text.split("\n")[0]).toMatch(/^contactId,email,total/);
      await page.getByLabel("Search name, email or company").fill("");
      await page.waitForURL((url) => !url.search.includes("search="));
    },
    STEP_MS,
  );

  it(
    "opens a lead whose ledger lines add up, on the page, to each dimension's score and the total",
    async () => {
      await page.getByLabel("Temperature").selectOption("");
      await page.getByLabel("MQL", { exact: true }).selectOption("");
      await page.goto(`${svc.url}/leads/${encodeURIComponent(hotId)}`);
      await page.getByText("Lead record").waitFor();
      await page.getByRole("heading", { name: "Why is this lead hot?" }).waitFor();
      const dimensions = page.locator("table.ledger[data-dimension]");
      expect(await dimensions.count()).toBe(2);
      for (const table of await dimensions.all()) {
        const lines = (await table.locator("tbody td.num").allTextContents()).map(parseShown);
        const score = parseShown(await table.locator('[data-field="dimension-score"]').innerText());
        expect(lines.length).toBeGreaterThan(0);
        expect(round2(lines.reduce((sum, points) => sum + points, 0))).toBe(score);
      }
      const totals = page.locator("table.total-lines");
      const parts = (await totals.locator("tbody td.num").allTextContents()).map(parseShown);
      const total = parseShown(await totals.locator('[data-field="total"]').innerText());
      expect(round2(parts.reduce((sum, points) => sum + points, 0))).toBe(total);
      expect(parseShown(await page.locator('[data-field="score"]').innerText())).toBe(total);
      // Decayed points are said as such; the timeline and the chart are there.
      expect(await page.getByText(/decayed from/).count()).toBeGreaterThan(0);
      expect(await page.locator("table.timeline tbody tr").count()).toBeGreaterThanOrEqual(4);
      await page.locator(".chart canvas").waitFor();
      await check("lead", "en");
    },
    STEP_MS,
  );

  it(
    "switches to French: chaud, tiède, fiche lead, numbers in the French way",
    async () => {
      await page.getByLabel("Language").selectOption("fr");
      await page.getByText("Fiche lead").waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe("fr");
      await page.getByRole("heading", { name: "Pourquoi ce lead est-il chaud ?" }).waitFor();
      expect(await page.locator(".summary .temperature").innerText()).toBe("chaud");
      await check("lead", "fr");
      await page.getByRole("link", { name: "Retour aux leads" }).click();
      await page.getByRole("heading", { name: "Leads" }).waitFor();
      const temperatures = page.locator('table.leads-table [data-field="temperature"]');
      await page.getByLabel("Température").selectOption("warm");
      await expect
        .poll(async () => new Set(await temperatures.allTextContents()))
        .toEqual(new Set(["tiède"]));
      await page.getByLabel("Température").selectOption("");
      await expect.poll(async () => (await temperatures.allTextContents()).includes("chaud")).toBe(true);
      await check("leads", "fr");
      // A phone's width: the table scrolls sideways inside its box, the page does not.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      await check("leads-narrow", "fr");
      await page.setViewportSize({ width: 1280, height: 860 });
    },
    STEP_MS,
  );

  it(
    "logs out: the login form is back and data calls are refused",
    async () => {
      await page.getByRole("button", { name: "Se déconnecter" }).click();
      await page.getByRole("heading", { name: "Connexion à Leadscore" }).waitFor();
      expect(await dataCallStatus(page)).toBe(401);
      await check("login", "fr");
      await page.goto(`${svc.url}/leads/${encodeURIComponent(hotId)}`);
      await page.getByRole("heading", { name: "Connexion à Leadscore" }).waitFor();
      expect(await page.locator("table").count()).toBe(0);
      // Nothing the page did was refused by the Content-Security-Policy or failed in scripts,
      // beyond the 401s of the logged-out calls.
      expect(errors.filter((text) => !/401/.test(text))).toEqual([]);
    },
    STEP_MS,
  );
});
