// The catalogues are complete in both languages, and no UI text is written outside them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { en } from "../src/i18n/en";
import { sv } from "../src/i18n/sv";

const SRC = join(__dirname, "..", "src");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const sources = files(SRC).filter((f) => /\.(tsx?|ts)$/.test(f) && !f.includes(`${join("src", "i18n")}`));
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("have the same keys in Swedish and English", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
  });

  it("have no empty text", () => {
    for (const [key, text] of [...Object.entries(sv), ...Object.entries(en)]) expect(text.trim(), key).not.toBe("");
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(sv) as (keyof typeof sv)[]) expect(placeholders(en[key]), key).toEqual(placeholders(sv[key]));
  });

  it("hold every key the code asks for", () => {
    const used = new Set<string>();
    for (const file of sources) {
      for (const m of readFileSync(file, "utf-8").matchAll(/\bt\(\s*"([\w.]+)"/g)) used.add(m[1]);
    }
    expect([...used].filter((k) => !(k in sv))).toEqual([]);
  });
});

describe("no hard-coded UI text", () => {
  // Parsed with the TypeScript compiler: every JSX text and every attribute people read
  // (aria-label, title, placeholder, alt) must come from t(), not be written in the code.
  const READ_ATTRS = new Set(["aria-label", "title", "placeholder", "alt"]);
  const ALLOWED = new Set(["ServIT"]); // the product's name is the same in every language
  const LETTERS = /\p{L}{2,}/u;

  function literalTexts(file: string): string[] {
    const source = ts.createSourceFile(file, readFileSync(file, "utf-8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isJsxText(node) && LETTERS.test(node.text)) found.push(node.text.trim());
      if (ts.isJsxAttribute(node) && READ_ATTRS.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer)
        && LETTERS.test(node.initializer.text)) found.push(`${node.name.getText()}="${node.initializer.text}"`);
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found.filter((text) => !ALLOWED.has(text));
  }

  for (const file of sources.filter((f) => f.endsWith(".tsx"))) {
    it(`${file.slice(SRC.length + 1)} has none`, () => {
      expect(literalTexts(file)).toEqual([]);
    });
  }

  it("the check finds a hard-coded text when there is one", () => {
    const probe = join(__dirname, "fixtures", "hardcoded.tsx");
    expect(new Set(literalTexts(probe))).toEqual(new Set(['aria-label="Stäng"', "Spara"]));
  });
});
