import { useEffect, useRef, useState } from "preact/hooks";
import { api, session } from "../api";
import { isOpen } from "../logic/moves";
import { fmtDateTime, t } from "../i18n";
import { onAction } from "../logic/bus";
import { onInsertIntoReply, withInserted } from "../logic/insert";
import { hiddenFor, isShown } from "../logic/fieldSettings";
import { directory, say } from "../state";
import { noteLabel, userName } from "../logic/labels";
import { splitAddresses, unreachableAmong } from "../logic/addresses";
import type { Status, Ticket, Unreachable } from "../types";
import { FilePicker } from "./FilePicker";
import { DraftBar } from "./composer/DraftBar";
import { onComposerKeyDown } from "./composer/keys";
import { afterSendChoices, SendButton } from "./composer/SendButton";
import { sendOrTakeOver } from "./composer/takeOver";
import { useDraft } from "./composer/useDraft";

interface FileData { filename: string; content_type: string; content_base64: string }

async function readFiles(files: FileList | null): Promise<FileData[]> {
  const out: FileData[] = [];
  for (const file of Array.from(files ?? [])) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    out.push({ filename: file.name, content_type: file.type || "application/octet-stream", content_base64: btoa(binary) });
  }
  return out;
}

/** Submits through ``run`` (which shows errors and reloads); clears on success. */
type Run = (work: () => Promise<unknown>, done: string) => Promise<boolean>;
/** The heading level of a composer: one below the ticket's own heading. */
type Heading = "h2" | "h3";

/** Who changed the contact's address: their name where the directory knows them. */
function addressChanger(id: string): string {
  const dir = directory.get();
  return dir ? userName(dir, id) : id;
}

/** Whether a reply will pick the ticket (the API's rule, domain/reply_workflow.py): open,
 * unassigned or the user's own, and not already locked to them. */
function picks(ticket: Ticket): boolean {
  const me = session.get()?.user.id;
  return isOpen(ticket) && (ticket.agent_id ?? me) === me && ticket.lock?.by !== me;
}

/** ``unreachable``: addresses known to be unable to take mail (the contact's and the ticket's
 * copies); a reply naming one is not sent, and the composer says why. */
export function ReplyComposer({ ticket, contactEmail, unreachable = {}, run, heading: H = "h3", hasChildren = false }: {
  ticket: Ticket; contactEmail: string; unreachable?: Unreachable; run: Run; heading?: Heading; hasChildren?: boolean;
}) {
  const ticketCc = (ticket.cc ?? []).join(", ");
  const ticketBcc = (ticket.bcc ?? []).join(", ");
  const [to, setTo] = useState(contactEmail);
  const [cc, setCc] = useState(ticketCc);
  const [bcc, setBcc] = useState(ticketBcc);
  const draft = useDraft(ticket.id, "reply"); // kept per user and ticket (issue 15)
  const { text, setText } = draft;
  const [after, setAfter] = useState<Status | "">(""); // "Send and set status"
  const choices = afterSendChoices(ticket.status, directory.get()?.status_moves ?? {});
  const [ask, setAsk] = useState(false);
  // A parent ticket's reply may go to every child's contact too, and close them all (S10).
  const [withChildren, setWithChildren] = useState(false);
  const [closeAll, setCloseAll] = useState(false);
  // A recent change of the contact's address holds the reply until the agent says they checked
  // it (the API answers 409 address_changed otherwise).
  const [addressChecked, setAddressChecked] = useState(false);
  const mustConfirm = Boolean(ticket.address_changed) && !addressChecked;
  const files = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setTo(contactEmail), [contactEmail]);
  // The ticket's cc/bcc changed (saved in its fields): the reply copies the new addresses, not
  // the ones it was opened with (what the reply names wins over the ticket's in the API).
  useEffect(() => setCc(ticketCc), [ticketCc]);
  useEffect(() => setBcc(ticketBcc), [ticketBcc]);
  useEffect(() => onAction((a) => a === "reply" && box.current?.focus()), []);
  // A solution text or suggestion from the template panel: appended, then focus to the text.
  // Fields the response point does not use (S16) are left out of the reply too.
  const hidden = hiddenFor({ hidden_fields: directory.get()?.hidden_fields ?? [] }, ticket.response_point_id);
  const shown = (field: string) => isShown(hidden, field);
  useEffect(() => onInsertIntoReply((snippet) => { setText((before) => withInserted(before, snippet)); box.current?.focus(); }), []);
  // The API refuses these too (422 address_unreachable); saying it here spares a failed send.
  const recipients = [to, shown("cc") ? cc : "", shown("bcc") ? bcc : ""].flatMap(splitAddresses);
  const blocked = unreachableAmong(recipients, unreachable);

  async function submit(event: Event) {
    event.preventDefault();
    if (blocked.length || mustConfirm || !text.trim()) return;
    let heldBy: string | null = null;
    // A reply on a ticket nobody holds picks it (the API does, in the same save).
    const ok = await run(async () => {
      const attachments = await readFiles(files.current?.files ?? null);
      await sendOrTakeOver(`/api/tickets/${ticket.id}/replies`, {
        text, to: splitAddresses(to), cc: splitAddresses(cc), bcc: splitAddresses(bcc), attachments, ask_customer: ask,
        ...(after && !ask ? { status: after } : {}),
        ...(ticket.address_changed ? { confirm_address_change: addressChecked } : {}),
        ...(hasChildren && withChildren ? { include_children: true, ...(closeAll ? { close_parent: true } : {}) } : {}),
      }, ticket.id, (name) => { heldBy = name; });
    }, picks(ticket) ? t("composer.picked") : t("reply.sent"));
    if (heldBy !== null) say(t("composer.heldBy", { name: heldBy }), "error");
    if (ok) {
      draft.clear();
      setAfter("");
      setAsk(false);
      setWithChildren(false);
      setCloseAll(false);
      if (files.current) files.current.value = "";
    }
  }
  return (
    <form class="composer" onSubmit={submit} onKeyDown={onComposerKeyDown} aria-labelledby={`reply-${ticket.id}`} data-testid="reply-composer">
      <H id={`reply-${ticket.id}`} class="section-title">{t("reply.title")}</H>
      <div class="grid3">
        <label>{t("reply.to")}<input type="text" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        {shown("cc") && <label>{t("reply.cc")}<input type="text" value={cc} onInput={(e) => setCc(e.currentTarget.value)} /></label>}
        {shown("bcc") && <label>{t("reply.bcc")}<input type="text" value={bcc} onInput={(e) => setBcc(e.currentTarget.value)} /></label>}
      </div>
      {ticket.address_changed && (
        <div class="notice notice-error" role="alert" data-testid="reply-address-changed">
          <p>
            {t("reply.addressChanged", {
              name: addressChanger(ticket.address_changed.by),
              at: fmtDateTime(ticket.address_changed.at),
              before: ticket.address_changed.before.join(", ") || "–",
              after: ticket.address_changed.after.join(", ") || "–",
            })}
          </p>
          <label class="check"><input type="checkbox" data-testid="reply-address-checked" checked={addressChecked}
            onChange={(e) => setAddressChecked(e.currentTarget.checked)} />{t("reply.addressChecked")}</label>
        </div>
      )}
      {blocked.length > 0 && (
        <div class="notice notice-error" role="alert" data-testid="reply-unreachable">
          <div>
            {blocked.map(([address, reason]) => <p key={address}>{t("reply.unreachable", { address, reason })}</p>)}
            <p>{t("reply.unreachableHint")}</p>
          </div>
        </div>
      )}
      <DraftBar draft={draft} testid="reply" />
      <label>{t("reply.text")}<textarea ref={box} rows={6} required value={text} dir="auto" aria-keyshortcuts="r"
        data-testid="reply-text" aria-describedby={`reply-keys-${ticket.id}`}
        onInput={(e) => setText(e.currentTarget.value)} /></label>
      <p id={`reply-keys-${ticket.id}`} class="muted small">{t("composer.keysHint")}</p>
      <div class="row">
        {shown("attachments") && <FilePicker label={t("reply.attachments")} multiple inputRef={files} />}
        <label class="check"><input type="checkbox" checked={ask} onChange={(e) => setAsk(e.currentTarget.checked)} />{t("reply.ask")}</label>
        {hasChildren && (
          <label class="check"><input type="checkbox" data-testid="reply-include-children" checked={withChildren}
            onChange={(e) => setWithChildren(e.currentTarget.checked)} />{t("reply.includeChildren")}</label>
        )}
        {hasChildren && withChildren && (
          <label class="check"><input type="checkbox" data-testid="reply-close-all" checked={closeAll}
            onChange={(e) => setCloseAll(e.currentTarget.checked)} />{t("reply.closeAll")}</label>
        )}
        {/* "Ask the customer" sets With contact itself: no other status goes with it. */}
        <SendButton id="reply" choices={ask ? [] : choices} after={ask ? "" : after} setAfter={setAfter} label={t("reply.send")}
          verb="send" focusKey disabled={blocked.length > 0 || mustConfirm} />
      </div>
    </form>
  );
}

export function NoteComposer({ ticket, run, heading: H = "h3" }: { ticket: Ticket; run: Run; heading?: Heading }) {
  const [kind, setKind] = useState("note");
  const draft = useDraft(ticket.id, "note"); // kept per user and ticket (issue 15)
  const { text, setText } = draft;
  const [after, setAfter] = useState<Status | "">("");
  // A note does not pick the ticket: its choices are the ticket's own moves.
  const choices = afterSendChoices(ticket.status, directory.get()?.status_moves ?? {}, false);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => onAction((a) => a === "note" && box.current?.focus()), []);
  async function submit(event: Event) {
    event.preventDefault();
    if (!text.trim()) return;
    const body = { kind, text, ...(after ? { status: after } : {}) };
    if (await run(() => api("POST", `/api/tickets/${ticket.id}/notes`, body), t("note.saved"))) {
      draft.clear();
      setAfter("");
    }
  }
  return (
    <form class="composer" onSubmit={submit} onKeyDown={onComposerKeyDown} aria-labelledby={`note-${ticket.id}`} data-testid="note-composer">
      <H id={`note-${ticket.id}`} class="section-title">{t("note.title")}</H>
      <label>{t("note.kind")}
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {["note", "action", "solution"].map((k) => <option key={k} value={k}>{noteLabel(k)}</option>)}
        </select>
      </label>
      <DraftBar draft={draft} testid="note" />
      <label>{t("note.text")}<textarea ref={box} rows={4} required value={text} dir="auto" aria-keyshortcuts="n"
        data-testid="note-text" onInput={(e) => setText(e.currentTarget.value)} /></label>
      <div class="row">
        <SendButton id="note" choices={choices} after={after} setAfter={setAfter} label={t("note.save")} verb="save" />
      </div>
    </form>
  );
}
