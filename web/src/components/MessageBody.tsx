import { useEffect, useRef, useState } from "preact/hooks";
import { imageAsDataUrl } from "../api";
import { t } from "../i18n";
import { escapeText, prepareMessageHtml, srcdocFor } from "../logic/messageHtml";

const FRAME_CSS = "message-frame.css";

/**
 * A message shown in a sandboxed frame: no allow-scripts, so nothing in it can run.
 * allow-same-origin (without allow-scripts) only lets this page measure the frame's
 * height; allow-popups lets links open in a new tab, outside the sandbox.
 */
export function MessageFrame({ html, text, title }: { html: string; text: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
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

  const fit = () => {
    const doc = frame.current?.contentDocument;
    if (frame.current && doc?.documentElement) {
      frame.current.style.height = `${Math.min(2000, doc.documentElement.scrollHeight + 4)}px`;
    }
  };
  return (
    <iframe ref={frame} class="message-frame" title={title} sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcdoc={srcdocFor(body, new URL(FRAME_CSS, document.baseURI).pathname)} onLoad={fit} referrerpolicy="no-referrer" />
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
