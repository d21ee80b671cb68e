// Replying on Messenger or X (issue 13): a ticket that came in as a Facebook or X direct
// message is answered there by default (the server finds the person and our page/account on
// the ticket's history); the agent may switch to e-mail (``children``). Limits as the
// platforms': Messenger 2,000 characters, X 10,000 (chalicelib/domain/social.py).
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../i18n";
import type { Ticket } from "../types";
import { DraftBar } from "./composer/DraftBar";
import { onComposerKeyDown } from "./composer/keys";
import { useDraft } from "./composer/useDraft";

type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;
type Heading = "h2" | "h3";
type Platform = "facebook" | "x";

export const SOCIAL_LIMITS: Record<Platform, number> = { facebook: 2000, x: 10000 };
const CHANNEL_KEY = { facebook: "channel.facebook", x: "channel.x" } as const;

export function socialPlatform(channel: string | undefined): Platform | null {
  return channel === "facebook" || channel === "x" ? channel : null;
}

/** The platform or e-mail, shown only for a ticket that came from a social channel. */
export function SocialReplyChannels({ ticket, run, heading, children }: {
  ticket: Ticket; run: Run; heading: Heading; children: ComponentChildren;
}) {
  const platform = socialPlatform(ticket.channel);
  const [choice, setChoice] = useState<"social" | "email">("social");
  if (!platform) return <>{children}</>;
  const name = `reply-social-${ticket.id}`;
  return (
    <>
      <fieldset class="row channel-choice" data-testid="reply-social-channel">
        <legend>{t("reply.channel")}</legend>
        <label class="check"><input type="radio" name={name} value="social" data-testid="reply-channel-social"
          checked={choice === "social"} onChange={() => setChoice("social")} />{t(CHANNEL_KEY[platform])}</label>
        <label class="check"><input type="radio" name={name} value="email" data-testid="reply-channel-email"
          checked={choice === "email"} onChange={() => setChoice("email")} />{t("reply.byEmail")}</label>
      </fieldset>
      {choice === "social" ? <SocialComposer ticket={ticket} platform={platform} run={run} heading={heading} /> : children}
    </>
  );
}

export function SocialComposer({ ticket, platform, run, heading: H }: {
  ticket: Ticket; platform: Platform; run: Run; heading: Heading;
}) {
  const draft = useDraft(ticket.id, "social"); // kept per user and ticket (issue 15)
  const { text, setText } = draft;
  const [ask, setAsk] = useState(false);
  const limit = SOCIAL_LIMITS[platform];
  const left = limit - text.length;
  const countId = `social-count-${ticket.id}`;
  const where = t(CHANNEL_KEY[platform]);

  async function submit(event: Event) {
    event.preventDefault();
    if (left < 0 || !text.trim()) return;
    const ok = await run(
      () => api("POST", `/api/tickets/${ticket.id}/replies`, { channel: platform, text, ask_customer: ask }),
      t("social.sent", { platform: where }),
    );
    if (ok) {
      draft.clear();
      setAsk(false);
    }
  }
  return (
    <form class="composer" onSubmit={submit} onKeyDown={onComposerKeyDown} aria-labelledby={`social-${ticket.id}`} data-testid="social-composer">
      <H id={`social-${ticket.id}`} class="section-title">{t("social.title", { platform: where })}</H>
      <DraftBar draft={draft} testid="social" />
      <label>{t("social.text")}
        <textarea rows={4} required value={text} dir="auto" aria-describedby={countId} data-testid="social-text"
          onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <p id={countId} class={left < 0 ? "notice notice-error" : "muted"} aria-live="polite" data-testid="social-count">
        {left < 0 ? t("social.tooLong", { max: limit }) : t("social.left", { left })}
      </p>
      <div class="row">
        <label class="check"><input type="checkbox" checked={ask} onChange={(e) => setAsk(e.currentTarget.checked)} />{t("reply.ask")}</label>
        <button type="submit" class="primary" disabled={left < 0}>{t("social.send", { platform: where })}</button>
      </div>
    </form>
  );
}
