// issue 15: the top-bar search box as rendered: "/" (the "search" action) focuses it, and its
// combobox wiring points at the listbox.
import { render } from "preact";
import { describe, expect, it } from "vitest";
import { TopSearch } from "../src/components/search/TopSearch";
import { emit } from "../src/logic/bus";

const effects = () => new Promise((resolve) => setTimeout(resolve, 150));

describe("top-bar search box", () => {
  it("takes the focus on the search action and controls its listbox", async () => {
    const root = document.createElement("div");
    document.body.appendChild(root);
    render(<TopSearch />, root);
    await effects();

    emit("search");

    const box = document.activeElement as HTMLInputElement;
    expect(box.id).toBe("top-search-input");
    expect(box.getAttribute("role")).toBe("combobox");
    expect(box.getAttribute("aria-expanded")).toBe("false");
    const list = document.getElementById(box.getAttribute("aria-controls") ?? "");
    expect(list?.getAttribute("role")).toBe("listbox");
    render(null, root);
    root.remove();
  });
});
