/**
 * What happens inside one session: page views with dwell times, forms, downloads, email
 * opens and clicks, webinars, orders. Events of a session are seconds apart and a session
 * never starts before the previous one ended, so generation order is time order except for
 * webinar attendances, which are scheduled ahead at the webinar's date.
 */

import type { Random } from "../random/random.js";
import type { Propensities } from "./behaviour.js";
import { DAY_S, HOUR_S, type MarketingCalendar } from "./calendar.js";
import { CONTENT, FORM_IDS, PRODUCTS } from "./catalog.js";
import { CATEGORY, CATEGORY_URL_START, EVENT_TYPE, type EventDrafts, PAGE_CATEGORIES } from "./drafts.js";
import type { ContactPlan } from "./plan.js";

const FORM = Object.fromEntries(FORM_IDS.map((id, i) => [id, i])) as Record<
  (typeof FORM_IDS)[number],
  number
>;
const CONTENT_BY_PRODUCT = PRODUCTS.map((_, p) => CONTENT.flatMap((c, i) => (c.product === p ? [i] : [])));
const CATEGORY_URL_COUNT = PAGE_CATEGORIES.map((category) => category.urls.length);
/** linkedin, x, youtube, facebook: B2B social activity is mostly LinkedIn. */
const SOCIAL_CUMULATIVE = [6, 8, 9, 10];
/** An email is opened within days of its sending, or not at all. */
const EMAIL_FRESHNESS_S = 10 * DAY_S;
const MAX_PAGES = 12;
const SESSION_WEIGHT = { web: 0.5, email: 0.4, social: 0.06 };

export class SessionWriter {
  private plan!: ContactPlan;
  /** Time of the latest event so far: the next session starts after it. */
  private cursorS = 0;
  private emailOpen = false;
  private demoRequested = false;
  private meetingBooked = false;
  /** One newsletter subscription is enough. */
  private subscribed = false;
  /** Registrations go forward in time, so remembering the last webinar avoids duplicates. */
  private lastWebinar = -1;

  constructor(
    private readonly rng: Random,
    private readonly drafts: EventDrafts,
    private readonly calendar: MarketingCalendar,
    private readonly endS: number,
  ) {}

  startContact(plan: ContactPlan): void {
    this.plan = plan;
    this.cursorS = 0;
    this.emailOpen = plan.emailStatus !== "invalid";
    this.demoRequested = false;
    this.meetingBooked = false;
    this.subscribed = false;
    this.lastWebinar = -1;
  }

  freeSession(timeS: number, p: Propensities): void {
    const email = this.emailOpen ? SESSION_WEIGHT.email : 0;
    const total = SESSION_WEIGHT.web + email + SESSION_WEIGHT.social + p.webinarWeight;
    const u = this.rng.uniform() * total;
    if (u < SESSION_WEIGHT.web) this.visit(this.begin(timeS), p, -1);
    else if (u < SESSION_WEIGHT.web + email) this.email(timeS, p);
    else if (u < SESSION_WEIGHT.web + email + SESSION_WEIGHT.social) this.social(timeS, p);
    else this.webinar(timeS, p);
  }

  /** The visit that made the contact a lead: it ends with a form. */
  firstTouch(timeS: number, p: Propensities): void {
    const rng = this.rng;
    const s = this.browse(this.begin(timeS), p, -1);
    // Contacts who gave budget and timeframe did so on a contact or demo form.
    if (this.plan.bantKnown) this.request(s, rng.chance(0.5) ? FORM.demo : FORM.contact);
    else if (rng.chance(0.45)) this.whitepaper(s);
    else this.submit(s, FORM.newsletter);
  }

  bounce(timeS: number): void {
    if (!this.emailOpen) return;
    const i = this.emit(EVENT_TYPE.email_bounce, this.begin(timeS));
    if (i >= 0) this.drafts.campaign[i] = this.lastCampaign(timeS);
    this.emailOpen = false;
  }

  unsubscribe(timeS: number): void {
    if (!this.emailOpen) return;
    const campaign = this.lastCampaign(timeS);
    let s = this.begin(timeS);
    this.emitCampaign(EVENT_TYPE.email_open, s, campaign);
    s += this.rng.int(5, 120);
    if (this.plan.spamComplaint) this.emitCampaign(EVENT_TYPE.spam_complaint, s++, campaign);
    this.emitCampaign(EVENT_TYPE.unsubscribe, s, campaign);
    this.emailOpen = false;
  }

  /** The buyer's visit: pricing, product, demo page, then a demo (or contact) request. */
  buying(timeS: number, p: Propensities): void {
    let s = this.begin(timeS);
    s = this.page(s, p, CATEGORY_URL_START[CATEGORY.pricing]);
    s = this.page(s, p, CATEGORY_URL_START[CATEGORY.product] + this.plan.product);
    s = this.page(s, p, CATEGORY_URL_START[CATEGORY.demo]);
    this.request(s, this.demoRequested ? FORM.contact : FORM.demo);
  }

  meeting(timeS: number): void {
    if (this.meetingBooked) return;
    this.emit(EVENT_TYPE.meeting_booked, this.begin(timeS));
    this.meetingBooked = true;
  }

  /** At exactly `timeS`: the first order's time is the contact's convertedAt. */
  order(timeS: number, first: boolean): void {
    const rng = this.rng;
    const plan = this.plan;
    if (timeS >= this.endS) return;
    const product = first || rng.chance(0.7) ? plan.product : rng.int(0, PRODUCTS.length - 1);
    const seats = Math.min(20, Math.max(0.3, Math.sqrt((plan.company?.employees ?? 1) / 50)));
    const value = PRODUCTS[product].basePriceEur * seats * rng.logNormal(1, 0.3) * (first ? 1 : 0.4);
    const i = this.drafts.add(EVENT_TYPE.order, timeS);
    this.drafts.product[i] = product;
    this.drafts.value[i] = Math.max(10, Math.round(value / 10) * 10);
    if (timeS > this.cursorS) this.cursorS = timeS;
  }

  /** A visit: some pages, then maybe a form, a download or a meeting booking. */
  private visit(startS: number, p: Propensities, landingUrl: number): void {
    const rng = this.rng;
    const s = this.browse(startS, p, landingUrl);
    if (!this.demoRequested && rng.chance(p.demo)) this.request(s, FORM.demo);
    else if (rng.chance(p.contact)) this.request(s, FORM.contact);
    else if (rng.chance(p.whitepaper)) this.whitepaper(s);
    else if (!this.subscribed && rng.chance(p.newsletter)) this.submit(s, FORM.newsletter);
    else if (rng.chance(0.03)) this.download(s);
    if (this.demoRequested && !this.meetingBooked && rng.chance(p.meeting))
      this.meeting(s + rng.int(30, 300));
  }

  /** Page views; returns the time after the last one. */
  private browse(startS: number, p: Propensities, landingUrl: number): number {
    const pages = 1 + Math.min(MAX_PAGES - 1, this.rng.geometric(p.leave));
    let s = landingUrl >= 0 ? this.page(startS, p, landingUrl) : startS;
    for (let k = landingUrl >= 0 ? 1 : 0; k < pages; k++) s = this.page(s, p, this.pickUrl(p));
    return s;
  }

  private page(s: number, p: Propensities, url: number): number {
    const rng = this.rng;
    const dwellS = 2 + Math.round(rng.exponential(p.dwellS));
    const i = this.emit(EVENT_TYPE.page_view, s);
    if (i < 0) return s;
    this.drafts.url[i] = url;
    this.drafts.duration[i] = dwellS;
    return s + dwellS + rng.int(1, 12);
  }

  private pickUrl(p: Propensities): number {
    const rng = this.rng;
    const category = rng.pickIndex(p.pageCumulative);
    const start = CATEGORY_URL_START[category];
    if (category === CATEGORY.product && rng.chance(0.6)) return start + this.plan.product;
    return start + rng.int(0, CATEGORY_URL_COUNT[category] - 1);
  }

  private submit(s: number, form: number): number {
    const i = this.emit(EVENT_TYPE.form_submission, s);
    if (i >= 0) this.drafts.form[i] = form;
    if (form === FORM.newsletter) this.subscribed = true;
    return s + 1;
  }

  /** A demo or contact form and the request it makes. */
  private request(s: number, form: number): void {
    const next = this.submit(s, form);
    const isDemo = form === FORM.demo;
    this.emit(isDemo ? EVENT_TYPE.demo_request : EVENT_TYPE.contact_request, next);
    if (isDemo) this.demoRequested = true;
  }

  private whitepaper(s: number): void {
    this.download(this.submit(s, FORM.whitepaper));
  }

  /** Mostly content about the product the contact is after: what appetence scores read. */
  private download(s: number): void {
    const rng = this.rng;
    const product = rng.chance(0.7) ? this.plan.product : rng.int(0, PRODUCTS.length - 1);
    const content = rng.pick(CONTENT_BY_PRODUCT[product]);
    const i = this.emit(EVENT_TYPE.content_download, s + rng.int(1, 5));
    if (i < 0) return;
    this.drafts.content[i] = content;
    this.drafts.product[i] = product;
  }

  private email(timeS: number, p: Propensities): void {
    const rng = this.rng;
    const sent = this.calendar.lastEmailAtOrBefore(timeS);
    if (sent < 0 || timeS - this.calendar.emails.timeS[sent] > EMAIL_FRESHNESS_S) {
      this.visit(this.begin(timeS), p, -1);
      return;
    }
    const campaign = this.calendar.emails.name[sent];
    let s = this.begin(timeS);
    this.emitCampaign(EVENT_TYPE.email_open, s, campaign);
    if (!rng.chance(p.emailClick)) return;
    s += rng.int(5, 120);
    const promoted = this.calendar.emails.product[sent];
    const product = promoted >= 0 ? promoted : rng.chance(0.6) ? this.plan.product : rng.int(0, 3);
    const i = this.emitCampaign(EVENT_TYPE.email_click, s, campaign);
    if (i >= 0) this.drafts.product[i] = product;
    this.visit(s + rng.int(1, 5), p, CATEGORY_URL_START[CATEGORY.product] + product);
  }

  private social(timeS: number, p: Propensities): void {
    const rng = this.rng;
    const network = rng.pickIndex(SOCIAL_CUMULATIVE);
    const s = this.begin(timeS);
    this.emitCampaign(EVENT_TYPE.social_interaction, s, this.calendar.socialNames[network]);
    if (rng.chance(0.3)) this.visit(s + rng.int(5, 60), p, -1);
  }

  /** Registers for an upcoming webinar; attendance, if any, is at the webinar's time. */
  private webinar(timeS: number, p: Propensities): void {
    const rng = this.rng;
    const webinars = this.calendar.webinars;
    const s = this.begin(timeS);
    let w = this.calendar.firstWebinarAfter(s + 2 * HOUR_S);
    // Some wait for a later session; many for the one about the product they are after.
    const nextIsTheirs = webinars.product[w + 1] === this.plan.product && rng.chance(0.6);
    if (w >= 0 && (nextIsTheirs || rng.chance(0.2))) w++;
    if (w >= 0) w = Math.max(w, this.lastWebinar + 1);
    if (w < 0 || w >= webinars.timeS.length) {
      this.visit(s, p, -1);
      return;
    }
    this.lastWebinar = w;
    const registration = this.emitCampaign(EVENT_TYPE.webinar_registration, s, webinars.name[w]);
    if (registration < 0) return;
    this.drafts.product[registration] = webinars.product[w];
    const attendS = webinars.timeS[w] + rng.int(0, 600);
    if (!rng.chance(p.webinarAttend) || attendS >= this.endS) return;
    // Not through emit: the attendance lies ahead and must not push the next session past it.
    const i = this.drafts.add(EVENT_TYPE.webinar_attendance, attendS);
    this.drafts.campaign[i] = webinars.name[w];
    this.drafts.product[i] = webinars.product[w];
    this.drafts.duration[i] = Math.round(rng.uniform(0.25, 1) * HOUR_S);
  }

  private lastCampaign(timeS: number): number {
    const sent = this.calendar.lastEmailAtOrBefore(timeS);
    return sent >= 0 ? this.calendar.emails.name[sent] : -1;
  }

  /** Sessions start at their drawn time, or a few minutes after the previous one ended. */
  private begin(timeS: number): number {
    return timeS > this.cursorS ? timeS : this.cursorS + this.rng.int(60, 900);
  }

  /** Adds an event unless it falls after the window; returns its index or -1. */
  private emit(type: number, s: number): number {
    if (s >= this.endS) return -1;
    if (s > this.cursorS) this.cursorS = s;
    return this.drafts.add(type, s);
  }

  private emitCampaign(type: number, s: number, campaign: number): number {
    const i = this.emit(type, s);
    if (i >= 0) this.drafts.campaign[i] = campaign;
    return i;
  }
}
