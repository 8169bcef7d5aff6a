/**
 * The vocabulary of the demo data set: the fictional vendor's products, pages, content and
 * the markets its leads come from. Model templates refer to these values (unserved
 * countries, free-mail and competitor domains, form ids), so they are exported by name.
 */

/** Splits a comma-separated list (keeps long vocabularies on a few lines). */
function words(list: string): string[] {
  return list
    .split(",")
    .map((word) => word.trim())
    .filter((word) => word !== "");
}

/** The vendor's products, with a typical yearly order value in EUR for a 50-person company. */
export const PRODUCTS = [
  { id: "crm", basePriceEur: 4800 },
  { id: "automation", basePriceEur: 7200 },
  { id: "analytics", basePriceEur: 9600 },
  { id: "support", basePriceEur: 3600 },
] as const;

/** Countries the vendor sells to, and a few it does not serve (a negative fit criterion). */
export const COUNTRIES = [
  { code: "FR", weight: 28, served: true, dial: "+33", tld: "fr" },
  { code: "US", weight: 13, served: true, dial: "+1", tld: "com" },
  { code: "GB", weight: 9, served: true, dial: "+44", tld: "co.uk" },
  { code: "DE", weight: 9, served: true, dial: "+49", tld: "de" },
  { code: "BE", weight: 6, served: true, dial: "+32", tld: "be" },
  { code: "CA", weight: 5, served: true, dial: "+1", tld: "ca" },
  { code: "ES", weight: 5, served: true, dial: "+34", tld: "es" },
  { code: "CH", weight: 4, served: true, dial: "+41", tld: "ch" },
  { code: "IT", weight: 4, served: true, dial: "+39", tld: "it" },
  { code: "NL", weight: 4, served: true, dial: "+31", tld: "nl" },
  { code: "IN", weight: 4, served: false, dial: "+91", tld: "in" },
  { code: "BR", weight: 3, served: false, dial: "+55", tld: "com.br" },
  { code: "CN", weight: 2, served: false, dial: "+86", tld: "cn" },
  { code: "NG", weight: 1.5, served: false, dial: "+234", tld: "ng" },
] as const;

export const UNSERVED_COUNTRIES: readonly string[] = COUNTRIES.filter((c) => !c.served).map((c) => c.code);

/**
 * Industries, how well each fits the vendor's offer (a latent bonus, not shown in the data)
 * and a typical yearly revenue per employee in EUR.
 */
export const INDUSTRIES = [
  {
    id: "software",
    weight: 16,
    fit: 1.0,
    revenuePerEmployeeEur: 220_000,
    suffixes: ["Software", "Labs", "Systems"],
  },
  {
    id: "finance",
    weight: 10,
    fit: 0.6,
    revenuePerEmployeeEur: 350_000,
    suffixes: ["Capital", "Finance", "Bank"],
  },
  {
    id: "consulting",
    weight: 9,
    fit: 0.4,
    revenuePerEmployeeEur: 150_000,
    suffixes: ["Consulting", "Partners"],
  },
  {
    id: "manufacturing",
    weight: 14,
    fit: 0.3,
    revenuePerEmployeeEur: 250_000,
    suffixes: ["Industries", "Manufacturing", "Works"],
  },
  {
    id: "healthcare",
    weight: 9,
    fit: 0.2,
    revenuePerEmployeeEur: 130_000,
    suffixes: ["Health", "Medical", "Care"],
  },
  {
    id: "retail",
    weight: 12,
    fit: 0.1,
    revenuePerEmployeeEur: 180_000,
    suffixes: ["Retail", "Stores", "Market"],
  },
  {
    id: "logistics",
    weight: 7,
    fit: 0.0,
    revenuePerEmployeeEur: 200_000,
    suffixes: ["Logistics", "Freight"],
  },
  { id: "media", weight: 6, fit: 0.0, revenuePerEmployeeEur: 160_000, suffixes: ["Media", "Studio"] },
  {
    id: "government",
    weight: 5,
    fit: -0.5,
    revenuePerEmployeeEur: 90_000,
    suffixes: ["Agency", "Authority"],
  },
  {
    id: "education",
    weight: 8,
    fit: -0.6,
    revenuePerEmployeeEur: 70_000,
    suffixes: ["Academy", "Institute"],
  },
  {
    id: "nonprofit",
    weight: 4,
    fit: -0.8,
    revenuePerEmployeeEur: 60_000,
    suffixes: ["Foundation", "Association"],
  },
] as const;

/** Headcount bands: share of companies, range, and how well the size fits (latent). */
export const COMPANY_SIZES = [
  { weight: 15, min: 1, max: 4, fit: -1.2 },
  { weight: 35, min: 5, max: 49, fit: -0.2 },
  { weight: 28, min: 50, max: 249, fit: 0.5 },
  { weight: 14, min: 250, max: 999, fit: 0.8 },
  { weight: 7, min: 1000, max: 9999, fit: 0.6 },
  { weight: 1, min: 10000, max: 120000, fit: 0.3 },
] as const;

/** Company names are prefix + root (40 x 40 distinct concatenations) + an industry word. */
export const NAME_PREFIXES: readonly string[] = words(`
  Nor, Alt, Bel, Cor, Dal, Ever, Fal, Gal, Hal, Ister, Jur, Kel, Lum, Mar, Nex, Ori, Pel, Quin, Ros,
  Sol, Tal, Ul, Val, Wes, Xan, Yor, Zel, Arc, Bram, Cyr, Dun, Elm, Fen, Gry, Hel, Ivo, Jas, Kor, Lor,
  Mir
`);
export const NAME_ROOTS: readonly string[] = words(`
  bridge, vex, ton, field, wave, point, stone, gate, line, path, crest, ford, mont, view, dale, haven,
  wood, ridge, star, peak, quay, spire, loop, hub, sky, core, vale, moor, brook, helm, nova, tide,
  grid, lane, bay, lux, forge, mark, works, cove
`);

export const FIRST_NAMES: readonly string[] = words(`
  Camille, Louis, Léa, Hugo, Chloé, Lucas, Manon, Jules, Inès, Nathan, Sarah, Thomas, Emma, Antoine,
  Julie, Maxime, Claire, Nicolas, Laura, Pierre, Olivia, James, Sophie, Daniel, Anna, Michael, Emily,
  David, Hannah, Lukas, Lena, Jonas, Marta, Javier, Lucía, Marco, Giulia, Sven, Eva, Priya, Arjun,
  Mei, Chen, Ana, João, Chidi, Amara, Noah, Grace, Omar
`);
export const LAST_NAMES: readonly string[] = words(`
  Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent,
  Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Smith, Johnson, Brown, Taylor,
  Wilson, Evans, Walker, Wright, Müller, Schmidt, Schneider, Fischer, Weber, López, Fernández, Rossi,
  Russo, Bianchi, De Vries, Jansen, Peeters, Janssens, Sharma, Patel, Wang, Li, Silva, Santos, Okafor,
  O'Brien
`);

/** Job titles by seniority: 0 student, 1 individual contributor ... 5 executive. */
export const JOB_TITLES_BY_SENIORITY: readonly (readonly string[])[] = [
  // Job seekers write their status in the title field of forms and social profiles.
  ["Student", "Intern", "Marketing Student", "Apprentice", "Open to work", "Looking for new opportunities"],
  [
    "Marketing Specialist",
    "Sales Representative",
    "Business Developer",
    "Software Engineer",
    "Data Analyst",
    "Marketing Assistant",
    "Account Executive",
    "Content Writer",
    "Consultant",
  ],
  [
    "Marketing Manager",
    "Sales Manager",
    "Product Manager",
    "Demand Generation Manager",
    "Project Manager",
    "CRM Manager",
    "Digital Marketing Manager",
  ],
  [
    "Marketing Director",
    "Sales Director",
    "Head of Growth",
    "Head of Marketing",
    "IT Director",
    "Head of Sales",
  ],
  ["VP Marketing", "VP Sales", "VP Engineering", "VP Operations", "Vice President Growth"],
  ["CEO", "Founder", "CMO", "Chief Revenue Officer", "CTO", "COO", "Managing Director"],
];

/** Shares of seniority levels 1..5 among employees of prospect companies. */
export const SENIORITY_WEIGHTS = [0, 38, 30, 17, 9, 6] as const;

export const FREE_MAIL_DOMAINS = [
  "gmail.com",
  "yahoo.com",
  "yahoo.fr",
  "hotmail.com",
  "hotmail.fr",
  "outlook.com",
  "orange.fr",
  "free.fr",
  "laposte.net",
  "gmx.de",
  "icloud.com",
] as const;
export const COMPETITOR_DOMAINS = ["scorewise.io", "leadmetrics.com", "hotpipe.ai"] as const;
export const UNIVERSITY_DOMAINS = [
  "etu.univ-nordsud.fr",
  "student.tu-rheinau.de",
  "mail.westbridge.edu",
] as const;
/** Obviously fake addresses people type into forms; their email status is "invalid". */
export const JUNK_DOMAINS = ["test.com", "example.com", "asdf.fr", "nomail.com"] as const;

/** How the lead first came in, and how much a good lead tends to come that way (latent). */
export const LEAD_SOURCES = [
  { id: "website", weight: 24, tilt: 0 },
  { id: "organic_search", weight: 20, tilt: 0 },
  { id: "paid_ads", weight: 14, tilt: -0.3 },
  { id: "social", weight: 10, tilt: -0.2 },
  { id: "webinar", weight: 8, tilt: 0.3 },
  { id: "referral", weight: 7, tilt: 0.8 },
  { id: "trade_show", weight: 6, tilt: 0.6 },
  { id: "partner", weight: 4, tilt: 0.5 },
  { id: "phone", weight: 3, tilt: 0.4 },
  { id: "purchased_list", weight: 4, tilt: -0.8 },
] as const;

export const FORM_IDS = ["contact", "newsletter", "demo", "whitepaper"] as const;

/** Gated content: each piece is about one product (appetence scoring reads it). */
export const CONTENT = [
  { id: "ebook-lead-scoring-guide", product: 0 },
  { id: "checklist-crm-migration", product: 0 },
  { id: "whitepaper-automation-roi", product: 1 },
  { id: "template-nurturing-emails", product: 1 },
  { id: "report-b2b-benchmarks-2026", product: 2 },
  { id: "case-study-retail-analytics", product: 2 },
  { id: "guide-support-kpis", product: 3 },
  { id: "case-study-saas-support", product: 3 },
] as const;

export const BLOG_SLUGS: readonly string[] = words(`
  what-is-lead-scoring, mql-vs-sql, bant-qualification, rfm-analysis-explained, nurturing-workflows,
  email-open-rates-2026, webinar-checklist, crm-data-quality, sales-marketing-alignment,
  predictive-scoring-myths, b2b-buyer-journey, landing-page-tips, customer-support-metrics,
  marketing-attribution, content-calendar-template
`);

export const CAREER_SLUGS = [
  "",
  "sales-development-representative",
  "software-engineer",
  "internships",
] as const;

/** Webinar topics in rotation; product-specific ones carry the product (index in PRODUCTS). */
export const WEBINAR_TOPICS = [
  { id: "crm-lead-scoring-101", product: 0 },
  { id: "automation-masterclass", product: 1 },
  { id: "analytics-deep-dive", product: 2 },
  { id: "support-at-scale", product: 3 },
  { id: "customer-stories", product: -1 },
] as const;

export const SOCIAL_NETWORKS = ["linkedin", "x", "youtube", "facebook"] as const;

/** Hour-of-day (UTC) weights of activity: office hours in Europe, evenings for the Americas. */
export const HOUR_WEIGHTS = [
  1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 10, 12, 14, 14, 12, 9, 7, 5, 4, 3, 2, 1,
] as const;
