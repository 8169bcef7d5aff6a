/**
 * Events of one contact while they are being generated: parallel typed arrays reused from
 * contact to contact, with strings referred to by index into fixed tables. Only the final
 * `DemoEvent` objects are allocated, once per event.
 */
import { BLOG_SLUGS, CAREER_SLUGS, PRODUCTS } from "./catalog.js";
import type { DemoEventType } from "./types.js";

/** Index of each type in DEMO_EVENT_TYPES (a test checks the two agree). */
export const EVENT_TYPE = {
  page_view: 0,
  form_submission: 1,
  content_download: 2,
  email_open: 3,
  email_click: 4,
  email_bounce: 5,
  webinar_registration: 6,
  webinar_attendance: 7,
  demo_request: 8,
  contact_request: 9,
  meeting_booked: 10,
  social_interaction: 11,
  unsubscribe: 12,
  spam_complaint: 13,
  order: 14,
} as const satisfies Record<DemoEventType, number>;

/** Page categories: how pages are chosen (by intent) and where their URLs sit in URLS. */
export const PAGE_CATEGORIES = [
  { id: "home", weight: 18, intent: 0, urls: ["/"] },
  { id: "blog", weight: 30, intent: 0, urls: BLOG_SLUGS.map((slug) => `/blog/${slug}`) },
  { id: "product", weight: 14, intent: 1, urls: PRODUCTS.map((p) => `/product/${p.id}`) },
  { id: "pricing", weight: 3, intent: 2.5, urls: ["/pricing"] },
  { id: "services", weight: 3, intent: 2, urls: ["/services"] },
  { id: "demo", weight: 1.5, intent: 3, urls: ["/demo"] },
  { id: "careers", weight: 3, intent: -2, urls: CAREER_SLUGS.map((slug) => `/careers/${slug}`) },
  { id: "contact", weight: 3, intent: 1.5, urls: ["/contact"] },
  { id: "about", weight: 4, intent: 0, urls: ["/about"] },
  { id: "customers", weight: 4, intent: 1, urls: ["/customers"] },
] as const;
export type PageCategoryId = (typeof PAGE_CATEGORIES)[number]["id"];

export const URLS: readonly string[] = PAGE_CATEGORIES.flatMap((category) => category.urls);
/** Index in URLS of each category's first URL. */
export const CATEGORY_URL_START: readonly number[] = PAGE_CATEGORIES.map((_, i) =>
  PAGE_CATEGORIES.slice(0, i).reduce((n, category) => n + category.urls.length, 0),
);
export const CATEGORY = Object.fromEntries(PAGE_CATEGORIES.map((category, i) => [category.id, i])) as Record<
  PageCategoryId,
  number
>;

export class EventDrafts {
  length = 0;
  timeS = new Float64Array(0);
  type = new Uint8Array(0);
  /** Index in URLS, or -1. */
  url = new Int16Array(0);
  /** Index in FORM_IDS, or -1. */
  form = new Int8Array(0);
  /** Index in the calendar's names, or -1. */
  campaign = new Int32Array(0);
  /** Index in CONTENT, or -1. */
  content = new Int8Array(0);
  /** Index in PRODUCTS, or -1. */
  product = new Int8Array(0);
  /** NaN when absent. */
  value = new Float64Array(0);
  /** -1 when absent. */
  duration = new Int32Array(0);
  /** Draft indices in time order, after sortByTime. */
  order = new Uint32Array(0);

  constructor(capacity = 256) {
    this.resize(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Appends an event with no properties; returns its index for the caller to fill in. */
  add(type: number, timeS: number): number {
    if (this.length === this.timeS.length) this.resize(this.length * 2);
    const i = this.length++;
    this.timeS[i] = timeS;
    this.type[i] = type;
    this.url[i] = -1;
    this.form[i] = -1;
    this.campaign[i] = -1;
    this.content[i] = -1;
    this.product[i] = -1;
    this.value[i] = Number.NaN;
    this.duration[i] = -1;
    return i;
  }

  /**
   * Fills `order` with draft indices sorted by time, ties in insertion order. Drafts are
   * nearly sorted already (only webinar attendances jump ahead), so insertion sort runs in
   * about linear time.
   */
  sortByTime(): Uint32Array {
    const order = this.order;
    const time = this.timeS;
    for (let i = 0; i < this.length; i++) {
      const t = time[i];
      let j = i - 1;
      while (j >= 0 && time[order[j]] > t) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = i;
    }
    return order.subarray(0, this.length);
  }

  private resize(capacity: number): void {
    const grow = <T extends Float64Array | Uint8Array | Int8Array | Int16Array | Int32Array | Uint32Array>(
      old: T,
      fresh: T,
    ): T => {
      fresh.set(old.subarray(0, this.length) as never);
      return fresh;
    };
    this.timeS = grow(this.timeS, new Float64Array(capacity));
    this.type = grow(this.type, new Uint8Array(capacity));
    this.url = grow(this.url, new Int16Array(capacity));
    this.form = grow(this.form, new Int8Array(capacity));
    this.campaign = grow(this.campaign, new Int32Array(capacity));
    this.content = grow(this.content, new Int8Array(capacity));
    this.product = grow(this.product, new Int8Array(capacity));
    this.value = grow(this.value, new Float64Array(capacity));
    this.duration = grow(this.duration, new Int32Array(capacity));
    this.order = new Uint32Array(capacity);
  }
}
