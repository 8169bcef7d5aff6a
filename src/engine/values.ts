/** How raw property values (numbers, or strings from a CSV) are read by the conditions. */

export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (typeof value === "number") return !Number.isNaN(value);
  return true;
}

/** A number, or NaN when the value is missing or not numeric. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" ? Number.NaN : Number(trimmed);
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return Number.NaN;
}

const TRUE_WORDS = new Set(["true", "yes", "y", "1", "oui"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "non"]);

/** true, false, or undefined when the value does not read as a boolean. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return undefined;
}

export function toText(value: unknown, caseSensitive: boolean): string {
  const text = typeof value === "string" ? value.trim() : String(value);
  return caseSensitive ? text : text.toLowerCase();
}

/** The domain of an email address, lower-cased; "" when there is none. */
export function emailDomain(value: unknown): string {
  if (typeof value !== "string") return "";
  const at = value.lastIndexOf("@");
  if (at < 0) return "";
  const domain = value.slice(at + 1);
  return isCleanDomain(domain) ? domain : domain.trim().toLowerCase();
}

/** Most domains are already lower-case and trimmed: then no new string is needed. */
function isCleanDomain(domain: string): boolean {
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c <= 32) return false;
  }
  return true;
}
