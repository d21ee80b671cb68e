// Organisations (issue 14): routes, and one field per e-mail address / phone number.
import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { language } from "../src/i18n";
import { href, parseRoute } from "../src/logic/route";
import { ValueList } from "../src/screens/crm/ContactCrm";

describe("organisation routes", () => {
  it("parse the list and a card, and link to a card", () => {
    expect(parseRoute("#/organisations")).toEqual({ name: "organisations" });
    expect(parseRoute("#/organisations/01ABC")).toEqual({ name: "organisation", organisation: "01ABC" });
    expect(parseRoute(href.organisation("a/b"))).toEqual({ name: "organisation", organisation: "a/b" });
  });
});

describe("the contact card's value list", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("shows one labelled field per value, adds an empty one and removes one", () => {
    language.set("en");
    let values = ["a@x.se", "b@x.se"];
    const draw = () => render(<ValueList kind="email" values={values} onChange={(v) => { values = v; draw(); }} />, host);
    draw();
    const inputs = () => [...host.querySelectorAll("input")].map((i) => [i.getAttribute("aria-label"), i.value]);
    expect(inputs()).toEqual([["E-mail address 1", "a@x.se"], ["E-mail address 2", "b@x.se"]]);
    const buttons = [...host.querySelectorAll("button")];
    buttons.find((b) => b.textContent === "Add e-mail address")!.click();
    expect(values).toEqual(["a@x.se", "b@x.se", ""]);
    buttons.find((b) => b.textContent?.includes("Remove a@x.se"))!.click();
    expect(values).toEqual(["b@x.se", ""]);
  });
});
