// A message's HTML made into the srcdoc of a sandboxed frame.
//
// The server has sanitised it already (nh3 allow-list); this is the second wall:
// the frame is sandboxed without allow-scripts, so nothing in it can run, and the
// page's CSP (inherited by srcdoc frames) allows no inline script either. Here we
// also drop anything active the server might ever let through, point inline images
// at data: URLs (the frame cannot send our Bearer token), and open links outside.

const ACTIVE = "script,style,iframe,frame,frameset,object,embed,applet,form,input,button,textarea,select,link,meta,base,svg,math,template,noscript";
const URL_ATTRS = ["href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset"];

export interface PreparedHtml { body: string; imagePaths: string[] }

/** Clean ``html``; ``images`` maps our attachment URLs to data: URLs already fetched. */
export function prepareMessageHtml(html: string, images: Record<string, string> = {}): PreparedHtml {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, "text/html");
  for (const el of Array.from(doc.body.querySelectorAll(ACTIVE))) el.remove();
  const imagePaths: string[] = [];
  for (const el of Array.from(doc.body.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "style") el.removeAttribute(attr.name);
      else if (URL_ATTRS.includes(name) && /^\s*(javascript|vbscript|data):/i.test(attr.value) && !(el.tagName === "IMG" && /^data:image\//i.test(attr.value))) {
        el.removeAttribute(attr.name);
      }
    }
    if (el.tagName === "A") {
      el.setAttribute("target", "_blank");
      el.setAttribute("rel", "noopener noreferrer");
    }
    if (el.tagName === "IMG") {
      const src = el.getAttribute("src") ?? "";
      if (src.startsWith("/api/")) {
        imagePaths.push(src);
        if (images[src]) el.setAttribute("src", images[src]);
        else el.removeAttribute("src");
      }
    }
  }
  return { body: doc.body.innerHTML, imagePaths };
}

/** The whole srcdoc: UTF-8, direction from the text itself (Arabic right-to-left), our frame style. */
export function srcdocFor(body: string, stylesheet: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${stylesheet}"></head><body dir="auto">${body}</body></html>`;
}

/** Plain text in the same frame: escaped, line breaks kept by the stylesheet. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}
