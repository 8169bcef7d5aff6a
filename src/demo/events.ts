/**
 * A contact's behaviour over the window, as sessions: free sessions whose times cluster in
 * bursts (and, for converters, in the weeks before the first order), plus forced sessions
 * for the moments the plan fixed (first touch, bounce, unsubscribe, buying, orders).
 * Sessions run in time order, so state such as "unsubscribed" or "demo requested" holds for
 * everything after it.
 */

import { Random } from "../random/random.js";
import { HOT_INTENT_BOOST, Propensities } from "./behaviour.js";
import { DAY_S, HOUR_S, type MarketingCalendar, officeTime } from "./calendar.js";
import { STREAM } from "./companies.js";
import { EventDrafts } from "./drafts.js";
import { type ContactPlan, type DemoWindow, PERSONA } from "./plan.js";
import { SessionWriter } from "./sessions.js";
import { SessionTimeline } from "./timeline.js";

const FORCED = { firstTouch: 0, bounce: 1, unsubscribe: 2, buying: 3, meeting: 4, order: 5 } as const;
type ForcedKind = (typeof FORCED)[keyof typeof FORCED];

/** Buyers are hot for this long before their first order. */
const HOT_PHASE_S = 60 * DAY_S;

export class EventGenerator {
  readonly drafts = new EventDrafts();
  private readonly rng = new Random(0);
  private readonly ordinary = new Propensities();
  private readonly hot = new Propensities();
  private readonly writer: SessionWriter;
  private readonly timeline: SessionTimeline;
  private readonly forcedTimes: number[] = [];
  private readonly forcedKinds: ForcedKind[] = [];

  constructor(
    private readonly seed: number,
    private readonly window: DemoWindow,
    calendar: MarketingCalendar,
    eventsPerContact: number,
  ) {
    this.writer = new SessionWriter(this.rng, this.drafts, calendar, window.endS);
    this.timeline = new SessionTimeline(this.rng, window, eventsPerContact);
  }

  /** The contact's events as drafts, in generation order; call drafts.sortByTime() next. */
  generate(plan: ContactPlan): EventDrafts {
    this.rng.reseed(this.seed, STREAM.events, plan.index);
    this.drafts.reset();
    this.ordinary.update(plan.intent, plan.persona);
    this.hot.update(plan.intent + HOT_INTENT_BOOST, plan.persona);
    this.writer.startContact(plan);
    const times = this.timeline.draw(plan);
    this.drawForcedSessions(plan);
    this.run(plan, times);
    return this.drafts;
  }

  private run(plan: ContactPlan, times: Float64Array): void {
    const count = times.length;
    const forcedTimes = this.forcedTimes;
    let free = 0;
    let forced = 0;
    while (free < count || forced < forcedTimes.length) {
      if (forced < forcedTimes.length && (free >= count || forcedTimes[forced] <= times[free])) {
        this.runForced(plan, this.forcedKinds[forced], forcedTimes[forced]);
        forced++;
      } else {
        this.writer.freeSession(times[free], this.propensities(plan, times[free]));
        free++;
      }
    }
  }

  private propensities(plan: ContactPlan, timeS: number): Propensities {
    const converted = plan.convertedAtS;
    return timeS < converted && timeS >= converted - HOT_PHASE_S ? this.hot : this.ordinary;
  }

  private runForced(plan: ContactPlan, kind: ForcedKind, timeS: number): void {
    const writer = this.writer;
    switch (kind) {
      case FORCED.firstTouch:
        writer.firstTouch(timeS, this.propensities(plan, timeS));
        return;
      case FORCED.bounce:
        writer.bounce(timeS);
        return;
      case FORCED.unsubscribe:
        writer.unsubscribe(timeS);
        return;
      case FORCED.buying:
        writer.buying(timeS, this.hot);
        return;
      case FORCED.meeting:
        writer.meeting(timeS);
        return;
      case FORCED.order:
        writer.order(timeS, timeS === plan.convertedAtS);
        return;
    }
  }

  private drawForcedSessions(plan: ContactPlan): void {
    const rng = this.rng;
    this.forcedTimes.length = 0;
    this.forcedKinds.length = 0;
    if (!plan.knownBefore) this.force(plan.firstSeenS, FORCED.firstTouch);
    if (!Number.isNaN(plan.bounceAtS)) this.force(plan.bounceAtS, FORCED.bounce);
    if (!Number.isNaN(plan.unsubscribeAtS)) this.force(plan.unsubscribeAtS, FORCED.unsubscribe);
    const convertedAtS = plan.convertedAtS;
    if (Number.isNaN(convertedAtS)) return;
    // Most buyers go through pricing, a demo request and a meeting in the last weeks.
    const buyingS = convertedAtS - rng.uniform(1, 20) * DAY_S;
    if (rng.chance(0.85) && buyingS > plan.firstSeenS) {
      this.force(buyingS, FORCED.buying);
      if (rng.chance(0.8)) this.force(rng.uniform(buyingS + HOUR_S, convertedAtS - HOUR_S), FORCED.meeting);
    }
    this.force(convertedAtS, FORCED.order);
    this.drawRepeatOrders(plan);
  }

  /** Customers reorder (renewals, add-ons) now and then: what RFM scoring reads. */
  private drawRepeatOrders(plan: ContactPlan): void {
    const rng = this.rng;
    if (plan.persona !== PERSONA.prospect && plan.persona !== PERSONA.freelancer) return;
    let timeS = plan.convertedAtS;
    while (rng.chance(0.6)) {
      const next = officeTime(rng, timeS + rng.exponential(75 * DAY_S));
      // officeTime keeps the day but redraws the hour: never let a reorder precede the last order.
      timeS = next > timeS ? next : timeS + DAY_S;
      if (timeS >= this.window.endS) return;
      this.force(timeS, FORCED.order);
    }
  }

  /** Inserts in time order (ties keep insertion order); there are only a handful. */
  private force(moment: number, kind: ForcedKind): void {
    const timeS = Math.round(moment);
    const times = this.forcedTimes;
    let at = times.length;
    while (at > 0 && times[at - 1] > timeS) at--;
    times.splice(at, 0, timeS);
    this.forcedKinds.splice(at, 0, kind);
  }
}
