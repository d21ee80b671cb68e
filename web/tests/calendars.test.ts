// Calendars and template prefill (S12): the form's midnight convention, the list's summary,
// the prefilled custom field values a template keeps, and the admin route.
import { describe, expect, it } from "vitest";
import { blankCalendar, endForApi, endForForm, openSummary } from "../src/admin/Calendars";
import { prefillTexts, prefillValues } from "../src/admin/Templates";
import { setLanguage } from "../src/i18n";
import { parseRoute } from "../src/logic/route";
import type { CustomFieldDef } from "../src/types";

describe("calendar form", () => {
  it("shows the API's 24:00 as 00:00 and sends 00:00 back as 24:00", () => {
    expect(endForForm("24:00")).toBe("00:00");
    expect(endForForm("17:00")).toBe("17:00");
    expect(endForApi("00:00")).toBe("24:00");
    expect(endForApi("17:00")).toBe("17:00");
    expect(endForApi(endForForm("24:00"))).toBe("24:00");
  });
  it("starts as office hours on weekdays and closed at weekends", () => {
    const calendar = blankCalendar();
    expect(calendar.hours.mon).toEqual({ closed: false, start: "08:00", end: "17:00" });
    expect(calendar.hours.sat.closed && calendar.hours.sun.closed).toBe(true);
  });
  it("sums up the open days in the user's language", () => {
    setLanguage("sv");
    const calendar = blankCalendar();
    calendar.hours = { ...calendar.hours, tue: { closed: true }, wed: { closed: true }, thu: { closed: true }, fri: { closed: true } };
    expect(openSummary(calendar)).toBe("måndag 08:00–17:00");
    setLanguage("en");
    expect(openSummary(calendar)).toBe("Monday 08:00–17:00");
    calendar.hours.mon = { closed: true };
    expect(openSummary(calendar)).toBe("Always closed");
    setLanguage("sv");
  });
  it("is an admin section", () => {
    expect(parseRoute("#/admin/calendars")).toEqual({ name: "admin", section: "calendars" });
  });
});

describe("template prefill", () => {
  const defs: CustomFieldDef[] = [
    { id: "kundnummer", label: "Kundnummer", type: "number", required: true, options: [] },
    { id: "niva", label: "Nivå", type: "select", required: false, options: ["Guld"] },
    { id: "datum", label: "Datum", type: "date", required: false, options: [] },
  ];
  it("keeps only the fields filled in, numbers as numbers, and only defined fields", () => {
    expect(prefillValues(defs, { kundnummer: "4711", niva: "", datum: "2026-12-31", borttaget: "x" }))
      .toEqual({ kundnummer: 4711, datum: "2026-12-31" });
    expect(prefillValues(defs, {})).toEqual({});
  });
  it("reads stored values back as form text", () => {
    expect(prefillTexts({ kundnummer: 4711, niva: "Guld" })).toEqual({ kundnummer: "4711", niva: "Guld" });
    expect(prefillValues(defs, prefillTexts({ kundnummer: 4711, niva: "Guld" }))).toEqual({ kundnummer: 4711, niva: "Guld" });
  });
});
