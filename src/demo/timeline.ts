/**
 * When a contact is active. Interest fades after the first touch (good leads stay curious
 * longer), comes in bursts of a few days, sometimes reawakens, and for buyers gathers in the
 * weeks before the first order. A scoring date therefore finds most leads cooling down,
 * which is what recency rules and decay are for.
 */

import type { Random } from "../random/random.js";
import { DAY_S, officeTime } from "./calendar.js";
import type { ContactPlan, DemoWindow } from "./plan.js";

/** Mean events per free session (measured): turns events per contact into sessions. */
const EVENTS_PER_SESSION = 2.2;
/** Mean of `remainingInterest` over contacts (measured), so the option's mean holds. */
const MEAN_REMAINING_INTEREST = 0.71;
/** Share of a customer's would-be sessions after the first order that still happen. */
const CUSTOMER_ACTIVITY_KEPT = 0.3;
/** Share of sessions spread over the whole interest span rather than in a burst. */
const BACKGROUND_SHARE = 0.2;

export class SessionTimeline {
  private times = new Float64Array(64);
  private readonly burstCenters: number[] = [];
  private interestS = 0;
  private conversionCenterS = 0;

  constructor(
    private readonly rng: Random,
    private readonly window: DemoWindow,
    private readonly eventsPerContact: number,
  ) {}

  /** Free session times of the contact, sorted (a view valid until the next call). */
  draw(plan: ContactPlan): Float64Array {
    const rng = this.rng;
    // Mean interest span: 25 days for an average lead, months for a keen one.
    this.interestS = Math.min(200, Math.max(5, 25 * Math.exp(0.5 * plan.intent))) * DAY_S;
    const mean = (this.eventsPerContact * plan.activity * this.remainingInterest(plan)) / EVENTS_PER_SESSION;
    const wanted = rng.poisson(mean / MEAN_REMAINING_INTEREST);
    if (this.times.length < wanted) this.times = new Float64Array(wanted * 2);
    this.drawBurstCenters(plan);
    this.conversionCenterS = Math.max(plan.firstSeenS, plan.convertedAtS - rng.exponential(5 * DAY_S));
    let count = 0;
    for (let k = 0; k < wanted; k++) {
      const timeS = this.drawTime(plan);
      if (!Number.isNaN(timeS)) this.times[count++] = timeS;
    }
    return this.times.subarray(0, count).sort();
  }

  /** Share of the contact's fading interest that falls inside the window. */
  private remainingInterest(plan: ContactPlan): number {
    return 1 - Math.exp(-(this.window.endS - plan.firstSeenS) / (2 * this.interestS));
  }

  /** A moment after the first touch, fading with the contact's interest span. */
  private fading(plan: ContactPlan, meanS: number): number {
    return plan.firstSeenS + this.rng.truncatedExponential(meanS, this.window.endS - plan.firstSeenS);
  }

  private drawBurstCenters(plan: ContactPlan): void {
    const rng = this.rng;
    const centers = this.burstCenters;
    centers.length = 0;
    const count = 1 + Math.min(5, rng.poisson(1));
    for (let k = 0; k < count; k++) centers.push(this.fading(plan, this.interestS));
    // Now and then an old lead comes back: a new project, a new budget.
    if (rng.chance(0.2)) centers.push(rng.uniform(plan.firstSeenS, this.window.endS));
  }

  private drawTime(plan: ContactPlan): number {
    const rng = this.rng;
    const converted = !Number.isNaN(plan.convertedAtS);
    for (let attempt = 0; attempt < 4; attempt++) {
      let timeS: number;
      if (rng.chance(BACKGROUND_SHARE)) {
        timeS = this.fading(plan, 2 * this.interestS);
      } else {
        const center = converted && rng.chance(0.5) ? this.conversionCenterS : rng.pick(this.burstCenters);
        // A burst starts sharply and fades out over days.
        timeS = rng.chance(0.7) ? center + rng.exponential(4 * DAY_S) : center - rng.exponential(2 * DAY_S);
      }
      if (converted && timeS > plan.convertedAtS && !rng.chance(CUSTOMER_ACTIVITY_KEPT)) {
        timeS = rng.uniform(plan.firstSeenS, plan.convertedAtS);
      }
      timeS = officeTime(rng, timeS);
      if (timeS >= plan.firstSeenS && timeS < this.window.endS) return timeS;
    }
    return Number.NaN;
  }
}
