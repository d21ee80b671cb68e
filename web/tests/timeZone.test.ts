// Times are shown in the organisation's time zone (Settings.time_zone), whatever the browser's.
import { afterEach, describe, expect, it } from "vitest";
import { currentTimeZone, fmtDate, fmtDateTime, setLanguage, setTimeZone } from "../src/i18n";

const WINTER_EVENING = "2026-11-28T22:30:00.000Z"; // 23:30 in Stockholm, 17:30 in New York
const SUMMER_NOON = "2026-07-01T10:00:00.000Z"; // 12:00 in Stockholm (CEST)

describe("times in the organisation's zone", () => {
  afterEach(() => setTimeZone("Europe/Stockholm"));

  it("start in Stockholm time, summer and winter", () => {
    setLanguage("sv");
    expect(currentTimeZone()).toBe("Europe/Stockholm");
    expect(fmtDateTime(WINTER_EVENING)).toContain("23:30");
    expect(fmtDateTime(SUMMER_NOON)).toContain("12:00");
  });

  it("follow the zone the directory names, dates included", () => {
    setLanguage("en");
    setTimeZone("America/New_York");
    expect(fmtDateTime(WINTER_EVENING)).toContain("17:30");
    setTimeZone("Asia/Tokyo");
    expect(fmtDate(WINTER_EVENING)).toContain("29"); // already the next day in Tokyo
    expect(fmtDateTime(WINTER_EVENING)).toContain("07:30");
  });

  it("ignore an empty zone", () => {
    setTimeZone("");
    expect(currentTimeZone()).toBe("Europe/Stockholm");
  });
});
