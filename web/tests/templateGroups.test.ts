// The apply-template chooser: the ticket's own response point's templates first.
import { describe, expect, it } from "vitest";
import { templateGroups } from "../src/components/TemplatePanel";

const points = [{ id: "kt", name: "Kundtjänst" }, { id: "it", name: "IT-support" }, { id: "ek", name: "Ekonomi" }];
const templates = [
  { id: "vpn", title: "VPN fungerar inte", response_point_id: "it" },
  { id: "faktura", title: "Felaktig faktura", response_point_id: "kt" },
  { id: "lon", title: "Lönefråga", response_point_id: "ek" },
  { id: "adress", title: "Ny adress", response_point_id: "kt" },
  { id: "skrivare", title: "Skrivare", response_point_id: "it" },
];

describe("templateGroups", () => {
  it("puts the ticket's response point first, the rest by name, titles in order", () => {
    const groups = templateGroups(templates, "it", points);
    expect(groups.map((g) => g.name)).toEqual(["IT-support", "Ekonomi", "Kundtjänst"]);
    expect(groups[0].items.map((x) => x.id)).toEqual(["skrivare", "vpn"]);
    expect(groups[2].items.map((x) => x.id)).toEqual(["faktura", "adress"]);
  });

  it("keeps every template once, even of a response point the directory does not name", () => {
    const groups = templateGroups([...templates, { id: "x", title: "X", response_point_id: "gone" }], "kt", points);
    expect(groups.flatMap((g) => g.items).map((x) => x.id).sort()).toEqual(["adress", "faktura", "lon", "skrivare", "vpn", "x"]);
    expect(groups[0].name).toBe("Kundtjänst");
    expect(groups.find((g) => g.id === "gone")?.name).toBe("gone");
  });
});
