import { describe, expect, it } from "vitest";
import { escapeText, prepareMessageHtml, srcdocFor } from "../src/logic/messageHtml";

describe("message HTML for the sandboxed frame", () => {
  it("drops scripts, handlers, javascript: links and inline styles", () => {
    const { body } = prepareMessageHtml(
      `<p style="color:red" onclick="x()">Hej</p><script>alert(1)</script><a href="javascript:alert(1)">l</a><img src=x onerror="alert(1)"><svg onload="alert(1)"></svg>`,
    );
    expect(body).not.toMatch(/script|onclick|onerror|onload|javascript:|style=|<svg/i);
    expect(body).toContain("Hej");
  });

  it("opens links outside the frame without the opener", () => {
    const { body } = prepareMessageHtml(`<a href="https://example.com">x</a>`);
    expect(body).toContain('target="_blank"');
    expect(body).toContain('rel="noopener noreferrer"');
  });

  it("swaps our attachment URLs for the data: URLs fetched with the token", () => {
    const path = "/api/tickets/t/events/e/attachments/0";
    const first = prepareMessageHtml(`<img src="${path}">`);
    expect(first.imagePaths).toEqual([path]);
    expect(first.body).not.toContain(path);
    const second = prepareMessageHtml(`<img src="${path}">`, { [path]: "data:image/png;base64,AAAA" });
    expect(second.body).toContain("data:image/png;base64,AAAA");
  });

  it("lets the text set its own direction (Arabic right-to-left) and escapes plain text", () => {
    expect(srcdocFor("x", "/f.css")).toContain('dir="auto"');
    expect(escapeText("<b>&")).toBe("&lt;b&gt;&amp;");
  });
});
