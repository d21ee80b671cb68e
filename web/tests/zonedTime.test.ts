// A time typed for "dormant until" is the helpdesk's wall time, not the browser's.
import { describe, expect, it } from "vitest";
import { isoToZonedLocal, zonedLocalToIso } from "../src/logic/zonedTime";

describe("wall time in the organisation's zone", () => {
  it("reads winter and summer times in Stockholm", () => {
    expect(zonedLocalToIso("2026-12-24T08:00", "Europe/Stockholm")).toBe("2026-12-24T07:00:00.000Z");
    expect(zonedLocalToIso("2026-07-01T08:00", "Europe/Stockholm")).toBe("2026-07-01T06:00:00.000Z");
  });

  it("reads the same wall time differently in New York", () => {
    expect(zonedLocalToIso("2026-12-24T08:00", "America/New_York")).toBe("2026-12-24T13:00:00.000Z");
  });

  it("moves a time in the spring-forward gap on by the gap", () => {
    // 02:30 does not exist in Stockholm on 2026-03-29; clocks jump from 02:00 to 03:00.
    expect(zonedLocalToIso("2026-03-29T02:30", "Europe/Stockholm")).toBe("2026-03-29T01:30:00.000Z");
  });

  it("takes the first of a time that occurs twice", () => {
    // 02:30 happens twice on 2026-10-25 in Stockholm: first in summer time (00:30 UTC).
    expect(zonedLocalToIso("2026-10-25T02:30", "Europe/Stockholm")).toBe("2026-10-25T00:30:00.000Z");
  });

  it("refuses what is not a date-time", () => {
    expect(zonedLocalToIso("", "Europe/Stockholm")).toBeNull();
    expect(zonedLocalToIso("tomorrow", "Europe/Stockholm")).toBeNull();
  });

  it("shows an instant back as the wall time in the zone", () => {
    expect(isoToZonedLocal("2026-12-24T07:00:00Z", "Europe/Stockholm")).toBe("2026-12-24T08:00");
    expect(isoToZonedLocal("2026-07-01T06:00:00Z", "Europe/Stockholm")).toBe("2026-07-01T08:00");
  });
});
