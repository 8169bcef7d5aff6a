/**
 * The hidden side of a contact: a latent quality drawn first, from which the employer, the
 * seniority, the behaviour and the conversion all follow, each with its own noise. Nothing
 * here is written out; `contacts.ts` turns a plan into the visible record and `events.ts`
 * into behaviour.
 */

import { type Random, sigmoid } from "../random/random.js";
import { DAY_S, officeTime } from "./calendar.js";
import { COUNTRIES, SENIORITY_WEIGHTS } from "./catalog.js";
import { type CompanyFactory, type CompanyTraits, countryTable } from "./companies.js";
import type { EmailStatus } from "./types.js";

export const PERSONA = { prospect: 0, freelancer: 1, student: 2, competitor: 3 } as const;
export type Persona = (typeof PERSONA)[keyof typeof PERSONA];

/** The time window of the data set: [startS, endS) in seconds since the epoch. */
export interface DemoWindow {
  startS: number;
  endS: number;
}

export interface ContactPlan {
  index: number;
  persona: Persona;
  /** Latent lead quality, about N(0, 1) for prospects. */
  quality: number;
  /** What behaviour shows: quality for prospects; competitors and students look keen too. */
  intent: number;
  /** Multiplier of the mean number of events (mean about 1). */
  activity: number;
  seniority: number;
  /** Index in PRODUCTS of the product the contact is after. */
  product: number;
  company: CompanyTraits | undefined;
  /** Index in COUNTRIES. */
  country: number;
  /** Already in the CRM when the window opens: no first-touch event. */
  knownBefore: boolean;
  firstSeenS: number;
  /** First order, or NaN when the contact does not convert inside the window. */
  convertedAtS: number;
  emailStatus: EmailStatus;
  bounceAtS: number;
  unsubscribeAtS: number;
  spamComplaint: boolean;
  /** A form asked for budget and timeframe (BANT). */
  bantKnown: boolean;
}

/** Logit offset of conversion; calibrated so that about 7% convert in a 6-month window. */
const CONVERSION_BIAS = -2.9;
/** Employers are drawn among this many candidates, weighted by fit and quality. */
const EMPLOYER_CANDIDATES = 4;
/** Mean of exp(0.9 * intent + 0.7 * noise), so activity has mean about 1. */
const ACTIVITY_NORMALISER = 1.9;

function drawPersona(rng: Random): Persona {
  const u = rng.uniform();
  if (u < 0.03) return PERSONA.student;
  if (u < 0.04) return PERSONA.competitor;
  if (u < 0.08) return PERSONA.freelancer;
  return PERSONA.prospect;
}

/** Good leads tend to work for companies that fit: pick among a few by exp(quality x fit). */
function drawEmployer(rng: Random, quality: number, fits: Float32Array): number {
  let best = rng.int(0, fits.length - 1);
  let total = Math.exp(0.7 * quality * fits[best]);
  for (let k = 1; k < EMPLOYER_CANDIDATES; k++) {
    const candidate = rng.int(0, fits.length - 1);
    const weight = Math.exp(0.7 * quality * fits[candidate]);
    total += weight;
    // Reservoir-style choice: each candidate wins with its share of the weight so far.
    if (rng.uniform() * total < weight) best = candidate;
  }
  return best;
}

function drawCompany(
  rng: Random,
  persona: Persona,
  quality: number,
  companies: CompanyFactory,
  fits: Float32Array,
): CompanyTraits | undefined {
  if (persona === PERSONA.prospect) return companies.traits(drawEmployer(rng, quality, fits));
  if (persona === PERSONA.competitor && companies.competitorCount > 0) {
    return companies.traits(companies.competitorStart + rng.int(0, companies.competitorCount - 1));
  }
  return undefined;
}

function drawSeniority(rng: Random, persona: Persona, quality: number): number {
  if (persona === PERSONA.student) return 0;
  if (persona === PERSONA.freelancer) return rng.chance(0.6) ? 1 : 5;
  if (persona === PERSONA.competitor) return rng.int(1, 3);
  const weights = SENIORITY_WEIGHTS.map((w, level) => w * Math.exp(0.45 * quality * (level - 2.5)));
  let total = 0;
  const cumulative = weights.map((w) => {
    total += w;
    return total;
  });
  return rng.pickIndex(cumulative, total);
}

function drawIntent(rng: Random, persona: Persona, quality: number): number {
  if (persona === PERSONA.competitor) return rng.normal(0.8, 0.5);
  if (persona === PERSONA.student) return rng.normal(-0.5, 0.7);
  if (persona === PERSONA.freelancer) return quality - 0.3;
  return quality;
}

function conversionLogit(plan: ContactPlan): number {
  const eligible = plan.persona === PERSONA.prospect || plan.persona === PERSONA.freelancer;
  if (!eligible || !COUNTRIES[plan.country].served) return Number.NEGATIVE_INFINITY;
  let logit = CONVERSION_BIAS + 1.4 * plan.quality + 0.15 * (plan.seniority - 2.5);
  if (plan.company) logit += 0.35 * plan.company.fit;
  if (plan.persona === PERSONA.freelancer) logit -= 1.5;
  if (plan.emailStatus === "invalid") logit -= 1;
  return logit;
}

/** Conversion happens some weeks after the first touch; after the window's end it is unseen. */
function drawConversion(rng: Random, plan: ContactPlan, window: DemoWindow): number {
  if (!rng.chance(sigmoid(conversionLogit(plan)))) return Number.NaN;
  const delayS = (10 + rng.exponential(55)) * DAY_S;
  const atS = officeTime(rng, plan.firstSeenS + delayS);
  return atS > plan.firstSeenS && atS < window.endS ? atS : Number.NaN;
}

function drawEmailStatus(rng: Random, quality: number): EmailStatus {
  if (rng.chance(sigmoid(-3.5 - 0.5 * quality))) return "invalid";
  if (rng.chance(sigmoid(-3 - 0.3 * quality))) return "bounced";
  return "valid";
}

function laterIn(rng: Random, fromS: number, window: DemoWindow, share: number): number {
  return Math.round(fromS + rng.uniform(0, share) * (window.endS - fromS));
}

/** When a new lead first shows up: any working moment of the window but its last days. */
function drawArrival(rng: Random, window: DemoWindow): number {
  const moment = laterIn(rng, window.startS, window, 0.97);
  const atWork = officeTime(rng, moment);
  return atWork >= window.startS && atWork < window.endS ? atWork : moment;
}

/** Draws a contact's plan from the contact's own stream (the record continues that stream). */
export function drawPlan(
  rng: Random,
  index: number,
  window: DemoWindow,
  companies: CompanyFactory,
  fits: Float32Array,
): ContactPlan {
  const persona = drawPersona(rng);
  const quality = rng.normal();
  const company = drawCompany(rng, persona, quality, companies, fits);
  const ownCountry = rng.pickWeighted(countryTable);
  // Most people work in their employer's country; some sit in a foreign office.
  const country = company && rng.chance(0.93) ? company.country : ownCountry;
  const knownBefore = rng.chance(0.3);
  const firstSeenS = knownBefore ? window.startS : drawArrival(rng, window);
  const emailStatus = drawEmailStatus(rng, quality);
  const unsubscribes = emailStatus === "valid" && rng.chance(sigmoid(-2.6 - 0.6 * quality));
  const plan: ContactPlan = {
    index,
    persona,
    quality,
    intent: drawIntent(rng, persona, quality),
    activity: 0,
    seniority: drawSeniority(rng, persona, quality),
    product: rng.int(0, 3),
    company,
    country,
    knownBefore,
    firstSeenS,
    convertedAtS: Number.NaN,
    emailStatus,
    bounceAtS: emailStatus === "bounced" ? laterIn(rng, firstSeenS, window, 0.5) : Number.NaN,
    unsubscribeAtS: unsubscribes ? laterIn(rng, firstSeenS, window, 1) : Number.NaN,
    spamComplaint: unsubscribes && rng.chance(0.12),
    bantKnown: persona <= PERSONA.freelancer && rng.chance(sigmoid(-0.9 + 0.8 * quality)),
  };
  // Capped: a handful of contacts with thousands of events would only be noise.
  plan.activity = Math.min(15, Math.exp(0.9 * plan.intent + 0.7 * rng.normal()) / ACTIVITY_NORMALISER);
  plan.convertedAtS = drawConversion(rng, plan, window);
  return plan;
}
