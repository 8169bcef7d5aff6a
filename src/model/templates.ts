/**
 * The built-in starter models `leadscore init` writes. The YAML files live in `templates/` next
 * to this module (shipped with the package); `template-files.ts` reads them.
 */

export interface TemplateInfo {
  name: TemplateName;
  title: string;
  /** One line: who the template is for. */
  summary: string;
  /** File name inside the templates folder. */
  file: string;
}

export const TEMPLATE_NAMES = ["b2b", "rfm", "bant", "appetence"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const TEMPLATES: readonly TemplateInfo[] = [
  {
    name: "b2b",
    title: "B2B lead scoring",
    summary: "Fit + engagement for B2B leads, with gates, decay, recency, temperature, grades and MQL.",
    file: "b2b.yaml",
  },
  {
    name: "rfm",
    title: "RFM customer scoring",
    summary: "Recency, frequency and monetary value of existing customers' orders, 1 to 5 each.",
    file: "rfm.yaml",
  },
  {
    name: "bant",
    title: "BANT qualification",
    summary: "Budget, authority, need and timeframe, 25 points each.",
    file: "bant.yaml",
  },
  {
    name: "appetence",
    title: "Product appetence",
    summary: "One interest score per product from page visits, downloads and email clicks.",
    file: "appetence.yaml",
  },
];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

export function templateInfo(name: TemplateName): TemplateInfo {
  const info = TEMPLATES.find((template) => template.name === name);
  if (info === undefined) throw new Error(`No template ${name}`);
  return info;
}
