/**
 * `generateDemo`: a synthetic B2B lead data set, deterministic from its seed and produced
 * lazily, so a million contacts and fifty million events stream through without being held.
 *
 * Every contact has a latent quality that drives its fit (employer, seniority), its
 * behaviour (pricing and demo visits, webinar attendance) and its chance to convert, each
 * with noise: a sensible scoring model ranks converters higher, but not perfectly.
 */

import { Random } from "../random/random.js";
import { MarketingCalendar, monthsBefore, parseIsoSeconds, TimestampFormatter } from "./calendar.js";
import { CONTENT, FORM_IDS, PRODUCTS } from "./catalog.js";
import { CompanyFactory, STREAM } from "./companies.js";
import { drawContact } from "./contacts.js";
import { type EventDrafts, URLS } from "./drafts.js";
import { EventGenerator } from "./events.js";
import { type DemoWindow, drawPlan } from "./plan.js";
import {
  DEMO_EVENT_TYPES,
  type DemoCompany,
  type DemoContact,
  type DemoContactWithEvents,
  type DemoEvent,
  type DemoOptions,
} from "./types.js";

export const DEMO_DEFAULTS = {
  months: 6,
  endDate: "2026-11-01T00:00:00Z",
  eventsPerContact: 50,
  contactsPerCompany: 5,
} as const;

export interface DemoDataSet {
  /** The options with every default filled in. */
  readonly options: Required<DemoOptions>;
  /** Inclusive start and exclusive end of the window, ISO 8601. */
  readonly startDate: string;
  readonly endDate: string;
  companies(): Generator<DemoCompany>;
  /** Contacts in id order, without their events (cheap: events are never generated). */
  contacts(): Generator<DemoContact>;
  /** Contacts in id order, each with its events sorted by time. Event ids follow that order. */
  contactsWithEvents(): Generator<DemoContactWithEvents>;
}

function checkOptions(options: DemoOptions): Required<DemoOptions> {
  const resolved = {
    seed: options.seed,
    contacts: options.contacts,
    companies:
      options.companies ?? Math.max(1, Math.round(options.contacts / DEMO_DEFAULTS.contactsPerCompany)),
    months: options.months ?? DEMO_DEFAULTS.months,
    endDate: options.endDate ?? DEMO_DEFAULTS.endDate,
    eventsPerContact: options.eventsPerContact ?? DEMO_DEFAULTS.eventsPerContact,
  };
  const integer = (name: keyof DemoOptions, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
    }
  };
  integer("seed", resolved.seed, Number.MIN_SAFE_INTEGER);
  integer("contacts", resolved.contacts, 0);
  integer("companies", resolved.companies, 1);
  integer("months", resolved.months, 1);
  if (!(resolved.eventsPerContact > 0 && Number.isFinite(resolved.eventsPerContact))) {
    throw new RangeError(`eventsPerContact must be a positive number, got ${resolved.eventsPerContact}`);
  }
  return resolved;
}

export function generateDemo(options: DemoOptions): DemoDataSet {
  const resolved = checkOptions(options);
  const endS = parseIsoSeconds(resolved.endDate);
  const window: DemoWindow = { startS: monthsBefore(endS, resolved.months), endS };
  const formatter = new TimestampFormatter(window.startS, window.endS);
  const formatTime = (seconds: number) => formatter.format(seconds);
  const calendar = new MarketingCalendar(window.startS, window.endS);
  const companyFactory = new CompanyFactory(resolved.seed, resolved.companies);
  let fits: Float32Array | undefined;
  const companyFits = () => {
    fits ??= companyFactory.fitTable();
    return fits;
  };

  /** Every iteration gets its own generators, so two iterations may run side by side. */
  function* plannedContacts(withEvents: boolean) {
    const rng = new Random(0);
    const companies = new CompanyFactory(resolved.seed, resolved.companies);
    const events = new EventGenerator(resolved.seed, window, calendar, resolved.eventsPerContact);
    for (let index = 0; index < resolved.contacts; index++) {
      rng.reseed(resolved.seed, STREAM.contact, index);
      const plan = drawPlan(rng, index, window, companies, companyFits());
      const contact = drawContact(rng, plan, companies, formatTime);
      yield { contact, drafts: withEvents ? events.generate(plan) : undefined };
    }
  }

  return {
    options: resolved,
    startDate: formatTime(window.startS),
    endDate: formatTime(window.endS),
    *companies() {
      const companies = new CompanyFactory(resolved.seed, resolved.companies);
      for (let index = 0; index < resolved.companies; index++) yield companies.company(index);
    },
    *contacts() {
      for (const { contact } of plannedContacts(false)) yield contact;
    },
    *contactsWithEvents() {
      const materialise = new EventMaterialiser(calendar.names, formatTime);
      for (const { contact, drafts } of plannedContacts(true)) {
        yield { contact, events: materialise.events(contact.id, drafts!) };
      }
    },
  };
}

const PRODUCT_IDS: readonly string[] = PRODUCTS.map((product) => product.id);
const CONTENT_IDS: readonly string[] = CONTENT.map((content) => content.id);

/** "000" ... "999": event ids are a cached prefix plus one of these. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"));

/** Turns drafts into event objects; strings come from tables, only ids and timestamps are built. */
class EventMaterialiser {
  private nextEventNumber = 1;
  private idThousands = -1;
  private idPrefix = "";

  constructor(
    private readonly campaigns: readonly string[],
    private readonly formatTime: (seconds: number) => string,
  ) {}

  events(contactIdValue: string, drafts: EventDrafts): DemoEvent[] {
    const order = drafts.sortByTime();
    const events = new Array<DemoEvent>(order.length);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const url = drafts.url[i];
      const form = drafts.form[i];
      const campaign = drafts.campaign[i];
      const content = drafts.content[i];
      const product = drafts.product[i];
      const value = drafts.value[i];
      const duration = drafts.duration[i];
      events[k] = {
        id: this.nextId(),
        contactId: contactIdValue,
        type: DEMO_EVENT_TYPES[drafts.type[i]],
        timestamp: this.formatTime(drafts.timeS[i]),
        url: url < 0 ? undefined : URLS[url],
        form_id: form < 0 ? undefined : FORM_IDS[form],
        campaign: campaign < 0 ? undefined : this.campaigns[campaign],
        content_id: content < 0 ? undefined : CONTENT_IDS[content],
        product: product < 0 ? undefined : PRODUCT_IDS[product],
        value: Number.isNaN(value) ? undefined : value,
        duration_s: duration < 0 ? undefined : duration,
      };
    }
    return events;
  }

  /** "e000000001", "e000000002"...: padStart per event costs more than the rest of the id. */
  private nextId(): string {
    const n = this.nextEventNumber++;
    const thousands = Math.floor(n / 1000);
    if (thousands !== this.idThousands) {
      this.idThousands = thousands;
      this.idPrefix = `e${String(thousands).padStart(6, "0")}`;
    }
    return this.idPrefix + THREE_DIGITS[n - thousands * 1000];
  }
}
