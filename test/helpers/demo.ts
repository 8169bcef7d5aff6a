/** Checks shared by the demo generator's unit, property and CLI tests. */
import { FORM_IDS, PRODUCTS } from "../../src/demo/catalog.js";
import type { DemoDataSet } from "../../src/demo/generator.js";
import type { DemoContact, DemoEvent } from "../../src/demo/types.js";

const EMAIL_TYPES = new Set(["email_open", "email_click", "email_bounce", "unsubscribe", "spam_complaint"]);
const PRODUCT_IDS = new Set<string>(PRODUCTS.map((p) => p.id));
const FORMS = new Set<string>(FORM_IDS);

/** Properties each event type must carry (and no other type may need). */
function shapeProblem(event: DemoEvent): string | undefined {
  switch (event.type) {
    case "page_view":
      return event.url?.startsWith("/") && (event.duration_s ?? 0) > 0
        ? undefined
        : "page_view without url/duration";
    case "form_submission":
      return FORMS.has(event.form_id ?? "") ? undefined : "form_submission without a known form_id";
    case "content_download":
      return event.content_id && PRODUCT_IDS.has(event.product ?? "")
        ? undefined
        : "download without content/product";
    case "email_click":
      return event.campaign && PRODUCT_IDS.has(event.product ?? "")
        ? undefined
        : "click without campaign/product";
    case "email_open":
    case "webinar_registration":
    case "webinar_attendance":
    case "social_interaction":
    case "unsubscribe":
      return event.campaign ? undefined : `${event.type} without campaign`;
    case "order":
      return (event.value ?? 0) > 0 && PRODUCT_IDS.has(event.product ?? "")
        ? undefined
        : "order without value/product";
    default:
      return undefined;
  }
}

/** Problems of one contact's events; an empty list when everything holds. */
export function contactProblems(
  contact: DemoContact,
  events: DemoEvent[],
  startDate: string,
  endDate: string,
) {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${contact.id}: ${what}`);
  const registered = new Set<string>();
  let emailClosedAt: string | undefined;
  let previous = "";
  for (const event of events) {
    if (event.contactId !== contact.id) say(`event ${event.id} belongs to ${event.contactId}`);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(event.timestamp)) say(`bad timestamp ${event.timestamp}`);
    if (event.timestamp < previous) say(`event ${event.id} out of order`);
    if (event.timestamp < startDate || event.timestamp >= endDate)
      say(`event ${event.id} outside the window`);
    previous = event.timestamp;
    const shape = shapeProblem(event);
    if (shape) say(`${event.id}: ${shape}`);
    if (event.type === "webinar_registration") registered.add(event.campaign!);
    if (event.type === "webinar_attendance" && !registered.has(event.campaign!)) {
      say(`attended ${event.campaign} without registering first`);
    }
    if (EMAIL_TYPES.has(event.type) && emailClosedAt !== undefined && event.timestamp > emailClosedAt) {
      say(`${event.type} after the address was closed`);
    }
    if (event.type === "unsubscribe" || event.type === "email_bounce") emailClosedAt = event.timestamp;
  }
  const orders = events.filter((e) => e.type === "order");
  if (contact.convertedAt === "" ? orders.length > 0 : orders[0]?.timestamp !== contact.convertedAt) {
    say("convertedAt is not the time of the first order");
  }
  if (contact.emailStatus === "invalid" && events.some((e) => EMAIL_TYPES.has(e.type)))
    say("email to invalid address");
  if (contact.unsubscribed && contact.emailStatus === "invalid") say("unsubscribed an invalid address");
  return problems;
}

/** Every invariant of a (small) data set: unique ids, references, order, window, shapes. */
export function dataSetProblems(dataSet: DemoDataSet): string[] {
  const problems: string[] = [];
  const companyIds = new Set<string>();
  const domains = new Set<string>();
  for (const company of dataSet.companies()) {
    if (companyIds.has(company.id)) problems.push(`duplicate company ${company.id}`);
    if (domains.has(company.domain)) problems.push(`duplicate domain ${company.domain}`);
    companyIds.add(company.id);
    domains.add(company.domain);
  }
  const eventIds = new Set<string>();
  let expected = 1;
  for (const { contact, events } of dataSet.contactsWithEvents()) {
    if (contact.id !== `c${String(expected++).padStart(6, "0")}`)
      problems.push(`contact ${contact.id} out of sequence`);
    if (contact.companyId !== "" && !companyIds.has(contact.companyId)) {
      problems.push(`${contact.id}: unknown company ${contact.companyId}`);
    }
    for (const event of events) {
      if (eventIds.has(event.id)) problems.push(`duplicate event id ${event.id}`);
      eventIds.add(event.id);
    }
    problems.push(...contactProblems(contact, events, dataSet.startDate, dataSet.endDate));
  }
  return problems;
}
