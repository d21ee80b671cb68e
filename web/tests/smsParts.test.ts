import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { smsCount, smsSplit } from "../src/logic/smsParts";

// The cases the Python tests use (tests/unit/channels/test_sms.py): the composer shows what the
// server will send.
interface Case { name: string; text: string; encoding: string; parts: number; remaining: number; part_lengths: number[] }
const cases: Case[] = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "tests", "fixtures", "sms", "segments.json"), "utf-8"),
);

describe("SMS parts, as the server counts them", () => {
  it("has the shared cases", () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.name, () => {
      const counted = smsCount(c.text);
      expect([counted.encoding, counted.parts, counted.remaining]).toEqual([c.encoding, c.parts, c.remaining]);
      const parts = smsSplit(c.text);
      expect(parts.map((p) => Array.from(p).length)).toEqual(c.part_lengths);
      expect(parts.join("")).toBe(c.text);
    });
  }
  it("counts a Swedish text with a euro sign as GSM-7 with two septets for the euro", () => {
    expect(smsCount("Pris: 10 €")).toMatchObject({ encoding: "GSM-7", parts: 1, remaining: 149 });
  });
});
