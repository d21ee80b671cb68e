// Replying by SMS (issue 13): when the contact has a mobile number the agent chooses e-mail or
// SMS; the SMS composer counts characters left and parts live, by the rules the server splits
// by (logic/smsParts.ts mirrors chalicelib/channels/sms.py).
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api";
import { t } from "../i18n";
import { MAX_PARTS, smsCount } from "../logic/smsParts";
import type { Contact, Ticket } from "../types";
import { DraftBar } from "./composer/DraftBar";
import { onComposerKeyDown } from "./composer/keys";
import { useDraft } from "./composer/useDraft";

type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;
type Heading = "h2" | "h3";

/** The channel choice, shown only when a text can reach the contact; ``children`` is the
 * e-mail composer. A ticket that came in by SMS starts on SMS. */
export function ReplyChannels({ ticket, contact, run, heading, children }: {
  ticket: Ticket; contact: Contact | null; run: Run; heading: Heading; children: ComponentChildren;
}) {
  const mobile = contact?.mobile ?? null;
  const [channel, setChannel] = useState<"email" | "sms">(ticket.channel === "sms" ? "sms" : "email");
  if (!mobile || !contact) return <>{children}</>;
  const name = `reply-channel-${ticket.id}`;
  return (
    <>
      <fieldset class="row channel-choice" data-testid="reply-channel">
        <legend>{t("reply.channel")}</legend>
        <label class="check"><input type="radio" name={name} value="email" checked={channel === "email"}
          onChange={() => setChannel("email")} />{t("reply.byEmail")}</label>
        <label class="check"><input type="radio" name={name} value="sms" data-testid="reply-channel-sms"
          checked={channel === "sms"} onChange={() => setChannel("sms")} />{t("reply.bySms")}</label>
      </fieldset>
      {channel === "sms"
        ? <SmsComposer ticket={ticket} mobile={mobile} optedOut={(contact.sms_opted_out ?? []).includes(mobile)} run={run} heading={heading} />
        : children}
    </>
  );
}

export function SmsComposer({ ticket, mobile, optedOut, run, heading: H }: {
  ticket: Ticket; mobile: string; optedOut: boolean; run: Run; heading: Heading;
}) {
  const draft = useDraft(ticket.id, "sms"); // kept per user and ticket (issue 15)
  const { text, setText } = draft;
  const [ask, setAsk] = useState(false);
  const counted = smsCount(text);
  const tooLong = counted.parts > MAX_PARTS;
  const countId = `sms-count-${ticket.id}`;

  async function submit(event: Event) {
    event.preventDefault();
    if (optedOut || tooLong || !text.trim()) return;
    const ok = await run(
      () => api("POST", `/api/tickets/${ticket.id}/replies`, { channel: "sms", text, ask_customer: ask }),
      t("sms.sent"),
    );
    if (ok) {
      draft.clear();
      setAsk(false);
    }
  }
  return (
    <form class="composer" onSubmit={submit} onKeyDown={onComposerKeyDown} aria-labelledby={`sms-${ticket.id}`} data-testid="sms-composer">
      <H id={`sms-${ticket.id}`} class="section-title">{t("sms.title")}</H>
      <p>{t("sms.to", { number: mobile })}</p>
      {optedOut && (
        <div class="notice notice-error" role="alert" data-testid="sms-opted-out">
          <p>{t("sms.optedOut", { number: mobile })}</p>
        </div>
      )}
      <DraftBar draft={draft} testid="sms" />
      <label>{t("sms.text")}
        <textarea rows={4} required value={text} dir="auto" aria-describedby={countId} data-testid="sms-text"
          onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <p id={countId} class={tooLong ? "notice notice-error" : "muted"} aria-live="polite" data-testid="sms-count">
        {t(counted.parts > 1 ? "sms.countMany" : "sms.countOne", { left: counted.remaining, parts: Math.max(counted.parts, 1) })}
        {counted.encoding === "UCS-2" ? ` ${t("sms.unicode")}` : ""}
        {tooLong ? ` ${t("sms.tooLong", { max: MAX_PARTS })}` : ""}
      </p>
      <div class="row">
        <label class="check"><input type="checkbox" checked={ask} onChange={(e) => setAsk(e.currentTarget.checked)} />{t("reply.ask")}</label>
        <button type="submit" class="primary" disabled={optedOut || tooLong}>{t("sms.send")}</button>
      </div>
    </form>
  );
}
