/**
 * Companies of the demo data set. Company i is a pure function of (seed, i): contacts look
 * their employer up on demand instead of keeping every company in memory.
 */

import { Random, weightedTable } from "../random/random.js";
import {
  COMPANY_SIZES,
  COMPETITOR_DOMAINS,
  COUNTRIES,
  INDUSTRIES,
  NAME_PREFIXES,
  NAME_ROOTS,
} from "./catalog.js";
import type { DemoCompany } from "./types.js";

/** Random streams of the data set; each record kind draws from its own. */
export const STREAM = { company: 1, contact: 2, events: 3 } as const;

const industryTable = weightedTable(INDUSTRIES.map((industry, i) => [i, industry.weight] as const));
const sizeTable = weightedTable(COMPANY_SIZES.map((size, i) => [i, size.weight] as const));
export const countryTable = weightedTable(COUNTRIES.map((country, i) => [i, country.weight] as const));

const NAME_COMBINATIONS = NAME_PREFIXES.length * NAME_ROOTS.length;
/** Coprime with NAME_COMBINATIONS, so that consecutive companies get unrelated names. */
const NAME_STRIDE = 733;

/** Not served: the latent fit drops so far that a good lead rarely works there. */
const UNSERVED_FIT_PENALTY = 2.5;
/** Below this many companies there is no room for competitors in the list. */
const MIN_COMPANIES_WITH_COMPETITORS = 10;
const SOFTWARE = INDUSTRIES.findIndex((industry) => industry.id === "software");
const COMPETITOR_COUNTRIES = ["FR", "US", "GB"].map((code) => COUNTRIES.findIndex((c) => c.code === code));

export function companyId(index: number): string {
  return `co${String(index + 1).padStart(5, "0")}`;
}

/** What contacts need to know of their employer. */
export interface CompanyTraits {
  index: number;
  /** Index in INDUSTRIES. */
  industry: number;
  employees: number;
  /** Index in COUNTRIES. */
  country: number;
  /** How well the company fits the vendor's offer: latent, never written out. */
  fit: number;
}

export class CompanyFactory {
  private readonly rng = new Random(0);
  /**
   * The last companies of the list are the vendor's competitors: their staff watch the
   * vendor and show up as contacts. Companies before this index are prospects' employers.
   */
  readonly competitorStart: number;

  constructor(
    private readonly seed: number,
    readonly count: number,
  ) {
    const competitors = count >= MIN_COMPANIES_WITH_COMPETITORS ? COMPETITOR_DOMAINS.length : 0;
    this.competitorStart = count - competitors;
  }

  get competitorCount(): number {
    return this.count - this.competitorStart;
  }

  /** Traits of company `index`; draws first from the company's stream. */
  traits(index: number): CompanyTraits {
    const rng = this.rng;
    rng.reseed(this.seed, STREAM.company, index);
    if (index >= this.competitorStart) {
      const country = COMPETITOR_COUNTRIES[(index - this.competitorStart) % COMPETITOR_COUNTRIES.length];
      return { index, industry: SOFTWARE, employees: rng.int(40, 400), country, fit: 0 };
    }
    const industry = rng.pickWeighted(industryTable);
    const sizeBand = rng.pickWeighted(sizeTable);
    const size = COMPANY_SIZES[sizeBand];
    // Log-uniform inside the band: small companies are far more common than large ones.
    const employees = Math.floor(Math.exp(rng.uniform(Math.log(size.min), Math.log(size.max + 1))));
    const country = rng.pickWeighted(countryTable);
    const served = COUNTRIES[country].served;
    const fit = INDUSTRIES[industry].fit + size.fit - (served ? 0 : UNSERVED_FIT_PENALTY);
    return { index, industry, employees, country, fit };
  }

  /** The latent fit of every prospect company: 4 bytes each, so employers can be chosen by fit. */
  fitTable(): Float32Array {
    const fits = new Float32Array(this.competitorStart);
    for (let i = 0; i < fits.length; i++) fits[i] = this.traits(i).fit;
    return fits;
  }

  /** Web domain: unique, because the name combination is unique within each block of indices. */
  domain(traits: CompanyTraits): string {
    if (traits.index >= this.competitorStart) return COMPETITOR_DOMAINS[traits.index - this.competitorStart];
    const combination = (traits.index * NAME_STRIDE) % NAME_COMBINATIONS;
    const block = Math.floor(traits.index / NAME_COMBINATIONS);
    const stem = (NAME_PREFIXES[combination % NAME_PREFIXES.length] + this.root(combination)).toLowerCase();
    return `${stem}${block > 0 ? block + 1 : ""}.${COUNTRIES[traits.country].tld}`;
  }

  company(index: number): DemoCompany {
    const traits = this.traits(index);
    const rng = this.rng; // continues the company's stream after the traits
    const industry = INDUSTRIES[traits.industry];
    const combination = (index * NAME_STRIDE) % NAME_COMBINATIONS;
    const domain = this.domain(traits);
    const stem =
      index >= this.competitorStart
        ? domain[0].toUpperCase() + domain.slice(1, domain.indexOf("."))
        : NAME_PREFIXES[combination % NAME_PREFIXES.length] + this.root(combination);
    const revenue = traits.employees * industry.revenuePerEmployeeEur * rng.logNormal(1, 0.35);
    return {
      id: companyId(index),
      name: `${stem} ${rng.pick(industry.suffixes)}`,
      domain,
      industry: industry.id,
      employees: traits.employees,
      revenue: Math.max(10_000, Math.round(revenue / 10_000) * 10_000),
      country: COUNTRIES[traits.country].code,
    };
  }

  private root(combination: number): string {
    return NAME_ROOTS[Math.floor(combination / NAME_PREFIXES.length)];
  }
}
