/**
 * How likely a contact is to do each thing, from its intent. Computed once per contact and
 * phase (ordinary, or "hot" in the weeks before converting), so the per-event path only
 * compares uniforms against ready probabilities.
 */

import { sigmoid } from "../random/random.js";
import { CATEGORY, PAGE_CATEGORIES } from "./drafts.js";
import { PERSONA, type Persona } from "./plan.js";

/** Added to the intent in the weeks before a conversion: buyers look at pricing and demos. */
export const HOT_INTENT_BOOST = 1.5;

export class Propensities {
  /** Cumulative weights of PAGE_CATEGORIES. */
  readonly pageCumulative = new Float64Array(PAGE_CATEGORIES.length);
  /** Probability that a visit ends after the current page. */
  leave = 0;
  demo = 0;
  contact = 0;
  whitepaper = 0;
  newsletter = 0;
  meeting = 0;
  emailClick = 0;
  webinarAttend = 0;
  /** Relative weight of a webinar registration among session kinds. */
  webinarWeight = 0;
  /** Mean seconds on a page. */
  dwellS = 0;

  /** Resets every probability for this intent; reused across contacts to avoid allocation. */
  update(intent: number, persona: Persona): void {
    this.fillPages(intent, persona);
    this.leave = sigmoid(0.3 - 0.35 * intent);
    this.demo = sigmoid(-4.4 + 1.1 * intent);
    this.contact = sigmoid(-4.5 + 0.6 * intent);
    this.whitepaper = sigmoid(-3.5 + 0.3 * intent);
    this.newsletter = sigmoid(-3.5);
    this.meeting = sigmoid(-2.2 + 0.9 * intent);
    this.emailClick = sigmoid(-1.6 + 0.5 * intent);
    this.webinarAttend = sigmoid(-0.2 + 0.7 * intent);
    this.webinarWeight = 0.04 * Math.exp(0.4 * intent);
    this.dwellS = 35 * Math.exp(0.15 * intent);
  }

  private fillPages(intent: number, persona: Persona): void {
    let total = 0;
    for (let c = 0; c < PAGE_CATEGORIES.length; c++) {
      const category = PAGE_CATEGORIES[c];
      let weight = category.weight * Math.exp(0.3 * intent * category.intent);
      // Students look for jobs and competitors watch prices: the traps of naive scoring.
      if (persona === PERSONA.student && c === CATEGORY.careers) weight *= 15;
      if (persona === PERSONA.competitor && (c === CATEGORY.pricing || c === CATEGORY.product)) weight *= 3;
      total += weight;
      this.pageCumulative[c] = total;
    }
  }
}
