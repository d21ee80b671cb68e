// Scheduled activities (S1): the form's repeat to the AWS cron the API stores, and back.
import { describe, expect, it } from "vitest";
import { blankRepeat, fromCron, inZone, toCron } from "../src/logic/schedule";
import { parseRoute } from "../src/logic/route";

describe("schedule repeat", () => {
  it("writes daily, weekly and monthly at a time as AWS cron", () => {
    expect(toCron({ ...blankRepeat(), repeat: "daily", time: "07:30" })).toBe("cron(30 7 * * ? *)");
    expect(toCron({ ...blankRepeat(), repeat: "weekly", time: "09:00", days: ["FRI", "MON"] })).toBe("cron(0 9 ? * MON,FRI *)");
    expect(toCron({ ...blankRepeat(), repeat: "monthly", time: "23:05", monthDay: "L" })).toBe("cron(5 23 L * ? *)");
    expect(toCron({ ...blankRepeat(), repeat: "cron", cron: " cron(0/15 8-17 ? * MON-FRI *) " })).toBe("cron(0/15 8-17 ? * MON-FRI *)");
  });
  it("reads back the forms it writes, and leaves any other expression as cron", () => {
    for (const form of [
      { ...blankRepeat(), repeat: "daily" as const, time: "07:30" },
      { ...blankRepeat(), repeat: "weekly" as const, time: "09:00", days: ["MON" as const, "FRI" as const] },
      { ...blankRepeat(), repeat: "monthly" as const, time: "23:05", monthDay: "15" },
    ]) {
      const back = fromCron(toCron(form));
      expect(back.repeat).toBe(form.repeat);
      expect(toCron(back)).toBe(toCron(form));
    }
    expect(fromCron("cron(0/15 8-17 ? * MON-FRI *)").repeat).toBe("cron");
    expect(fromCron("cron(0 9 1 1 ? 2027)").repeat).toBe("cron");
    expect(fromCron("cron(* * * * ? *)").repeat).toBe("cron");
  });
  it("shows an occurrence in the activity's time zone", () => {
    expect(inZone("2026-06-01T07:00:00Z", "Europe/Stockholm", "sv-SE")).toContain("09:00");
    expect(inZone("2026-06-01T07:00:00Z", "UTC", "en-GB")).toContain("07:00");
  });
  it("has an admin route", () => {
    expect(parseRoute("#/admin/schedules")).toEqual({ name: "admin", section: "schedules" });
  });
});
