import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const README = join(ROOT, "README.md");
const DOCS = join(ROOT, "docs");
const pages = [README, ...readdirSync(DOCS).map((name) => join(DOCS, name))].filter((file) =>
  file.endsWith(".md"),
);

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const slugOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{Letter}\p{Number} -]/gu, "")
    .replace(/ /g, "-");

const anchorsOf = (file: string) =>
  new Set(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slugOf(line.replace(/^#+ /, ""))),
  );

/** Every relative link of a page: where it points, and the anchor it names. */
function linksOf(file: string): { text: string; target: string; anchor: string | undefined }[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? "")
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => {
      const [path = "", anchor] = link.split("#");
      return { text: link, target: path ? join(dirname(file), path) : file, anchor };
    });
}

describe("the README and docs/", () => {
  it("keep the README short: at most 150 lines", () => {
    expect(readFileSync(README, "utf8").trimEnd().split("\n").length).toBeLessThanOrEqual(150);
  });

  it("link every page of docs/ from the README", () => {
    const linked = new Set(linksOf(README).map((link) => link.target));
    const unlinked = pages.filter((page) => page !== README && !linked.has(page));
    expect(unlinked.map((page) => relative(ROOT, page))).toEqual([]);
  });

  it.each(pages.map((page) => [relative(ROOT, page), page]))(
    "%s has no broken relative link",
    (_, page) => {
      const broken = linksOf(page).filter(
        ({ target, anchor }) =>
          !existsSync(target) ||
          (anchor !== undefined && target.endsWith(".md") && !anchorsOf(target).has(anchor)),
      );
      expect(broken.map((link) => link.text)).toEqual([]);
    },
  );
});
