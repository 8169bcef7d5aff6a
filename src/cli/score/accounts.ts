/**
 * Account scores: each company's own rules plus a roll-up of its contacts' results. Only the
 * numbers a roll-up reads are kept per contact (total, dimensions, disqualified), not whole
 * results, so a million contacts stay cheap.
 */
import { bandOf, type Evaluator, type Properties, type ScoreResult } from "../../engine/index.js";
import { type OutputFormat, openWriter } from "../../io/write.js";

export const ACCOUNT_COLUMNS = ["id", "name", "score", "temperature", "contacts", "ledger"] as const;

export class AccountCollector {
  private readonly byCompany = new Map<string, number[]>();

  constructor(private readonly dimensionIds: readonly string[]) {}

  add(companyId: string, result: ScoreResult): void {
    let values = this.byCompany.get(companyId);
    if (!values) {
      values = [];
      this.byCompany.set(companyId, values);
    }
    values.push(result.total, result.disqualified ? 1 : 0);
    for (const id of this.dimensionIds) values.push(result.dimensions[id] ?? 0);
  }

  /** The kept numbers as the results evaluateAccount takes (the fields it does not read are neutral). */
  resultsOf(companyId: string): ScoreResult[] {
    const values = this.byCompany.get(companyId) ?? [];
    const stride = 2 + this.dimensionIds.length;
    const results: ScoreResult[] = [];
    for (let k = 0; k < values.length; k += stride) {
      const dimensions: Record<string, number> = {};
      this.dimensionIds.forEach((id, d) => {
        dimensions[id] = values[k + 2 + d];
      });
      const disqualified = values[k + 1] === 1;
      results.push({
        total: values[k],
        dimensions,
        band: bandOf(values[k]),
        temperature: null,
        fitGrade: null,
        engagementGrade: null,
        matrix: null,
        mql: false,
        disqualified,
        disqualifications: [],
      });
    }
    return results;
  }
}

export async function writeAccounts(
  path: string,
  format: OutputFormat,
  evaluator: Evaluator,
  companies: ReadonlyMap<string, Properties>,
  collector: AccountCollector,
): Promise<number> {
  const writer = openWriter(path, format, ACCOUNT_COLUMNS);
  try {
    for (const [id, company] of companies) {
      const account = evaluator.evaluateAccount(company, collector.resultsOf(id));
      await writer.write({
        id,
        name: company.name,
        score: account.score,
        temperature: account.temperature,
        contacts: account.contacts,
        ledger: account.ledger,
      });
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return companies.size;
}
