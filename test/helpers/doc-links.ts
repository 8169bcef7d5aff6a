/**
 * Relative links of Markdown pages: each must name a file that exists and, with a `#fragment`,
 * a heading of that file, as GitHub turns headings into anchors. Links to other sites are not
 * followed (the tests run offline).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface BrokenLink {
  /** The page and line of the link, as `docs/service.md:12`. */
  where: string;
  target: string;
  reason: string;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of lines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The broken relative links of the pages (paths relative to `root`). */
export function brokenLinks(root: string, pages: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let found = anchorsOf.get(file);
    if (!found) {
      found = headingAnchors(readFileSync(file, "utf8"));
      anchorsOf.set(file, found);
    }
    return found;
  };
  for (const page of pages) {
    const file = join(root, page);
    for (const { text, number } of lines(readFileSync(file, "utf8"))) {
      const prose = text.replace(/`[^`]*`/g, "");
      for (const match of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:...
        const where = `${page}:${number}`;
        const [path, fragment] = target.split("#", 2) as [string, string | undefined];
        const linked = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
        if (!existsSync(linked)) {
          broken.push({ where, target, reason: `no file ${relative(root, linked)}` });
          continue;
        }
        if (fragment === undefined) continue;
        if (statSync(linked).isDirectory() || !linked.endsWith(".md")) {
          broken.push({ where, target, reason: "an anchor in a file that is not Markdown" });
        } else if (!anchors(linked).has(decodeURIComponent(fragment))) {
          broken.push({ where, target, reason: `no heading #${fragment} in ${relative(root, linked)}` });
        }
      }
    }
  }
  return broken;
}

/** The lines outside fenced code blocks, with their numbers (from 1). */
function lines(markdown: string): { text: string; number: number }[] {
  const out: { text: string; number: number }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const marker = /^\s*(```|~~~)/.exec(text)?.[1];
    if (marker && (fence === undefined || marker === fence)) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) out.push({ text, number: index + 1 });
  });
  return out;
}
