import { useEffect, useRef, useState } from "preact/hooks";
import { imageAsDataUrl } from "../api";
import { t } from "../i18n";
import { escapeText, prepareMessageHtml, srcdocFor } from "../logic/messageHtml";

const FRAME_CSS = "message-frame.css";
/** Past this height (CSS px) a message scrolls inside its frame instead of growing the page. */
const MAX_FRAME_HEIGHT = 2000;

/**
 * A message shown in a sandboxed frame, as tall as its content.
 *
 * The sandbox is "allow-same-origin allow-popups allow-popups-to-escape-sandbox" and never
 * "allow-scripts": nothing in the message can run, so the same-origin token grants the
 * message nothing (the known hole, a framed page's script removing its own sandbox, needs
 * allow-scripts). What it grants is to *this* page: we can read the frame's document and
 * measure its content from outside. That is how the frame gets its height. The other ways
 * were worse: a script inside the frame posting its height needs allow-scripts, the very
 * thing the sandbox is for, and a fixed height with a scrollbar leaves short messages
 * padded with blank space and long ones in a box within the page.
 *
 * We measure <html>'s own box, not documentElement.scrollHeight, which never reports
 * less than the frame's current height (so a frame could grow but never shrink), and add
 * a horizontal scrollbar if a wide table or image causes one, and the frame's borders.
 * We measure again whenever the content's size changes: on load (images arrive as data:
 * URLs, which reloads the srcdoc), when the frame's width changes (window resized, PRO
 * pane, view switched) and when the content changes by itself (a <details> opened). A
 * ResizeObserver of this page watching the frame's <html> sees all of that without any
 * script running inside the frame. Beyond MAX_FRAME_HEIGHT the frame scrolls.
 */
export function MessageFrame({ html, text, title }: { html: string; text: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const watcher = useRef<ResizeObserver | null>(null);
  const [images, setImages] = useState<Record<string, string>>({});
  const prepared = html ? prepareMessageHtml(html, images) : null;
  const body = prepared ? prepared.body : `<pre>${escapeText(text)}</pre>`;

  useEffect(() => {
    const missing = (prepared?.imagePaths ?? []).filter((p) => !(p in images));
    if (!missing.length) return;
    void Promise.all(missing.map(async (p) => [p, await imageAsDataUrl(p).catch(() => "")] as const)).then((pairs) =>
      setImages((before) => ({ ...before, ...Object.fromEntries(pairs) })),
    );
  }, [html]);

  useEffect(() => () => watcher.current?.disconnect(), []);

  const fit = () => {
    const el = frame.current;
    const doc = el?.contentDocument;
    const root = doc?.documentElement;
    if (!el || !doc || !root) return;
    const content = root.getBoundingClientRect().height;
    const scrollbar = Math.max(0, (doc.defaultView?.innerHeight ?? 0) - root.clientHeight);
    const borders = el.offsetHeight - el.clientHeight;
    const height = `${Math.min(MAX_FRAME_HEIGHT, Math.ceil(content + scrollbar + borders))}px`;
    if (el.style.height !== height) el.style.height = height;
  };
  const loaded = () => {
    fit();
    // Each load is a new document: watch its <html>, whose box follows both the content
    // and the frame's width.
    watcher.current?.disconnect();
    const root = frame.current?.contentDocument?.documentElement;
    if (typeof ResizeObserver === "undefined" || !root) return;
    watcher.current = new ResizeObserver(fit);
    watcher.current.observe(root);
  };
  return (
    <iframe ref={frame} class="message-frame" title={title} sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcdoc={srcdocFor(body, new URL(FRAME_CSS, document.baseURI).pathname)} onLoad={loaded} referrerpolicy="no-referrer" />
  );
}

/** The reply as the customer wrote it (quotes stripped) or the whole message. */
export function MessageContent({ data }: { data: Record<string, unknown> }) {
  const stripped = String(data.stripped_text ?? "");
  const full = String(data.text ?? "");
  const html = String(data.html ?? "");
  const hasFull = Boolean(html) || (full && full !== stripped);
  const [showFull, setShowFull] = useState(!stripped);
  return (
    <div class="message-content">
      {showFull ? (
        <MessageFrame html={html} text={full} title={t("message.frameTitle")} />
      ) : (
        <div class="message-text" dir="auto">{stripped}</div>
      )}
      {stripped && hasFull && (
        <button type="button" class="link" aria-pressed={showFull} onClick={() => setShowFull(!showFull)}>
          {showFull ? t("message.showStripped") : t("message.showFull")}
        </button>
      )}
    </div>
  );
}
