// Issue 12 (S12): the statuses that pause the SLA clock, as the settings form keeps them.
import { describe, expect, it } from "vitest";
import { PAUSABLE, toggled } from "../src/admin/SlaPausing";

describe("pausing statuses", () => {
  it("offers the four waiting statuses", () => {
    expect(PAUSABLE).toEqual(["with_contact", "with_external", "dormant", "dormant_until"]);
  });
  it("turns one on or off and keeps the statuses in order, each once", () => {
    expect(toggled(["dormant"], "with_contact", true)).toEqual(["with_contact", "dormant"]);
    expect(toggled(["with_contact", "dormant"], "with_contact", false)).toEqual(["dormant"]);
    expect(toggled(["dormant"], "dormant", true)).toEqual(["dormant"]);
  });
});
