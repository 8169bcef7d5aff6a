/**
 * The visible contact record, drawn from a plan: names, email, title, phone, lead source,
 * CRM stage and BANT answers. Each property leans on the latent quality with noise, so fit
 * rules see a real but imperfect signal.
 */

import { type Random, sigmoid } from "../random/random.js";
import {
  COMPETITOR_DOMAINS,
  COUNTRIES,
  FIRST_NAMES,
  FREE_MAIL_DOMAINS,
  JOB_TITLES_BY_SENIORITY,
  JUNK_DOMAINS,
  LAST_NAMES,
  LEAD_SOURCES,
  UNIVERSITY_DOMAINS,
} from "./catalog.js";
import type { CompanyFactory } from "./companies.js";
import { companyId } from "./companies.js";
import { type ContactPlan, PERSONA } from "./plan.js";
import type { DemoContact, LifecycleStage } from "./types.js";

/** Lower-case ASCII for email addresses: "Lefèvre" -> "lefevre", "O'Brien" -> "obrien". */
function emailSlug(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

const FIRST_SLUGS = FIRST_NAMES.map(emailSlug);
const LAST_SLUGS = LAST_NAMES.map(emailSlug);
const STAGES: readonly LifecycleStage[] = ["subscriber", "lead", "mql", "sql", "opportunity"];
const STAGE_WEIGHTS = [22, 50, 15, 8, 5];
const TIMEFRAMES_DAYS = [30, 60, 90, 180, 365];
const TIMEFRAME_WEIGHTS = [1, 2, 3, 2, 1.5];

/** Weighted pick where each weight is tilted by exp(slope x (position - pivot)). */
function pickTilted(rng: Random, weights: readonly number[], slope: number, pivot: number): number {
  let total = 0;
  const cumulative = weights.map((w, k) => {
    total += w * Math.exp(slope * (k - pivot));
    return total;
  });
  return rng.pickIndex(cumulative, total);
}

function personalAddress(rng: Random, first: string, last: string): string {
  const number = rng.chance(0.55) ? String(rng.int(1, 99)) : "";
  return `${first}.${last}${number}@${rng.pick(FREE_MAIL_DOMAINS)}`;
}

function workAddress(rng: Random, first: string, last: string, domain: string): string {
  const u = rng.uniform();
  if (u < 0.6) return `${first}.${last}@${domain}`;
  if (u < 0.8) return `${first[0]}${last}@${domain}`;
  if (u < 0.9) return `${last}.${first}@${domain}`;
  return `${first}@${domain}`;
}

function drawEmail(rng: Random, plan: ContactPlan, companies: CompanyFactory, nameIndex: number[]): string {
  const first = FIRST_SLUGS[nameIndex[0]];
  const last = LAST_SLUGS[nameIndex[1]];
  if (plan.emailStatus === "invalid" && rng.chance(0.4)) return `${first}@${rng.pick(JUNK_DOMAINS)}`;
  switch (plan.persona) {
    case PERSONA.competitor: {
      const domain = plan.company ? companies.domain(plan.company) : rng.pick(COMPETITOR_DOMAINS);
      return `${first}.${last}@${domain}`;
    }
    case PERSONA.student:
      return rng.chance(0.8)
        ? personalAddress(rng, first, last)
        : `${first}.${last}@${rng.pick(UNIVERSITY_DOMAINS)}`;
    case PERSONA.freelancer:
      return personalAddress(rng, first, last);
  }
  const company = plan.company!;
  // Owners of very small businesses often use their personal mailbox.
  const freeMailShare = company.employees < 5 ? 0.5 : 0.14;
  if (rng.chance(freeMailShare)) return personalAddress(rng, first, last);
  return workAddress(rng, first, last, companies.domain(company));
}

function drawJobTitle(rng: Random, plan: ContactPlan): string {
  if (plan.persona !== PERSONA.student && rng.chance(0.06)) return "";
  return rng.pick(JOB_TITLES_BY_SENIORITY[plan.seniority]);
}

/** "+33 6 12 34 56 78": decision makers of good leads leave a number more often. */
function drawPhone(rng: Random, plan: ContactPlan): string {
  const share = plan.persona === PERSONA.prospect ? sigmoid(0.2 + 0.7 * plan.quality) : 0.25;
  if (!rng.chance(share)) return "";
  const pair = () => String(rng.int(0, 99)).padStart(2, "0");
  return `${COUNTRIES[plan.country].dial} ${rng.int(1, 9)} ${pair()} ${pair()} ${pair()} ${pair()}`;
}

function drawLeadSource(rng: Random, plan: ContactPlan): string {
  let total = 0;
  const cumulative = LEAD_SOURCES.map((source) => {
    total += source.weight * Math.exp(source.tilt * plan.quality);
    return total;
  });
  return LEAD_SOURCES[rng.pickIndex(cumulative, total)].id;
}

function drawStage(rng: Random, plan: ContactPlan): LifecycleStage {
  if (!Number.isNaN(plan.convertedAtS)) return "customer";
  if (plan.persona >= PERSONA.student) return rng.chance(0.5) ? "subscriber" : "lead";
  return STAGES[pickTilted(rng, STAGE_WEIGHTS, 0.4 * plan.quality, 1)];
}

/** Budget in EUR grows with company size and quality; rounded as people write it. */
function drawBudget(rng: Random, plan: ContactPlan): number {
  const employees = plan.company?.employees ?? 1;
  const sizeFactor = Math.min(10, Math.max(0.5, Math.sqrt(employees / 20)));
  const budget = rng.logNormal(4000 * sizeFactor * Math.exp(0.3 * plan.quality), 0.5);
  return Math.max(500, Math.round(budget / 500) * 500);
}

export function contactId(index: number): string {
  return `c${String(index + 1).padStart(6, "0")}`;
}

/** The record; continues the plan's stream, so call it right after drawPlan. */
export function drawContact(
  rng: Random,
  plan: ContactPlan,
  companies: CompanyFactory,
  formatTime: (seconds: number) => string,
): DemoContact {
  const nameIndex = [rng.int(0, FIRST_NAMES.length - 1), rng.int(0, LAST_NAMES.length - 1)];
  const budget = plan.bantKnown ? drawBudget(rng, plan) : undefined;
  const timeframe = plan.bantKnown
    ? TIMEFRAMES_DAYS[pickTilted(rng, TIMEFRAME_WEIGHTS, -0.35 * plan.quality, 2)]
    : 0;
  return {
    id: contactId(plan.index),
    email: drawEmail(rng, plan, companies, nameIndex),
    firstName: FIRST_NAMES[nameIndex[0]],
    lastName: LAST_NAMES[nameIndex[1]],
    jobTitle: drawJobTitle(rng, plan),
    phone: drawPhone(rng, plan),
    country: COUNTRIES[plan.country].code,
    leadSource: drawLeadSource(rng, plan),
    companyId: plan.company ? companyId(plan.company.index) : "",
    lifecycleStage: drawStage(rng, plan),
    emailStatus: plan.emailStatus,
    unsubscribed: !Number.isNaN(plan.unsubscribeAtS),
    budget,
    purchaseTimeframeDays: plan.bantKnown ? timeframe : undefined,
    convertedAt: Number.isNaN(plan.convertedAtS) ? "" : formatTime(plan.convertedAtS),
  };
}
