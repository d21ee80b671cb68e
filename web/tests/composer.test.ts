// Issue 15: drafts per user, ticket and kind; the composer keys; the shortcuts listed in `?`.
import { describe, expect, it } from "vitest";
import { afterSendChoices } from "../src/components/composer/SendButton";
import { draftKey, type DraftStore, loadDraft, MAX_AGE_MS, pruneDrafts, removeDraft, saveDraft } from "../src/logic/drafts";
import { actionFor, composerMove, SHORTCUTS } from "../src/logic/shortcuts";
import type { Status } from "../src/types";

class MemoryStore implements DraftStore {
  items = new Map<string, string>();
  get length() { return this.items.size; }
  key(i: number) { return [...this.items.keys()][i] ?? null; }
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, v); }
  removeItem(k: string) { this.items.delete(k); }
}

const at = new Date("2026-12-04T14:32:00Z");
const later = (ms: number) => new Date(at.getTime() + ms);

describe("drafts", () => {
  it("a draft is kept per user, ticket and kind, and comes back with its time", () => {
    const store = new MemoryStore();
    saveDraft(store, "anna", "t1", "reply", "Hej Karin,", at);
    saveDraft(store, "anna", "t1", "note", "Ringde kunden", at);
    saveDraft(store, "bengt", "t1", "reply", "Bengts svar", at);

    expect(loadDraft(store, "anna", "t1", "reply", later(1000))).toEqual({ text: "Hej Karin,", saved_at: at.toISOString() });
    expect(loadDraft(store, "anna", "t1", "note", later(1000))?.text).toBe("Ringde kunden");
    expect(loadDraft(store, "bengt", "t1", "reply", later(1000))?.text).toBe("Bengts svar");
    expect(loadDraft(store, "anna", "t2", "reply", later(1000))).toBeNull();
  });

  it("emptying the text or removing the draft leaves nothing kept", () => {
    const store = new MemoryStore();
    saveDraft(store, "anna", "t1", "reply", "Hej", at);
    saveDraft(store, "anna", "t1", "reply", "   ", at);
    expect(store.length).toBe(0);
    saveDraft(store, "anna", "t1", "consult", "Fråga", at);
    removeDraft(store, "anna", "t1", "consult");
    expect(loadDraft(store, "anna", "t1", "consult", at)).toBeNull();
  });

  it("a draft older than 30 days is not restored and is removed", () => {
    const store = new MemoryStore();
    saveDraft(store, "anna", "t1", "reply", "Gammalt", at);
    expect(loadDraft(store, "anna", "t1", "reply", later(MAX_AGE_MS - 1000))?.text).toBe("Gammalt");
    expect(loadDraft(store, "anna", "t1", "reply", later(MAX_AGE_MS + 1000))).toBeNull();
    expect(store.getItem(draftKey("anna", "t1", "reply"))).toBeNull();
  });

  it("pruning removes expired and unreadable drafts of every user and nothing else", () => {
    const store = new MemoryStore();
    saveDraft(store, "anna", "old", "reply", "Gammalt", at);
    saveDraft(store, "bengt", "new", "note", "Nytt", later(MAX_AGE_MS));
    store.setItem(draftKey("anna", "broken", "reply"), "{not json");
    store.setItem("servit.session", "{}");

    expect(pruneDrafts(store, later(MAX_AGE_MS + 1000))).toBe(2);
    expect([...store.items.keys()].sort()).toEqual([draftKey("bengt", "new", "note"), "servit.session"]);
  });

  it("a storage that refuses writes loses no typing: nothing throws", () => {
    const full: DraftStore = { length: 0, key: () => null, getItem: () => null, removeItem: () => undefined,
      setItem: () => { throw new DOMException("full", "QuotaExceededError"); } };
    expect(() => saveDraft(full, "anna", "t1", "reply", "Hej", at)).not.toThrow();
    expect(loadDraft(null, "anna", "t1", "reply")).toBeNull();
  });

  it("ids with separators cannot collide in the key", () => {
    expect(draftKey("a:b", "c", "reply")).not.toBe(draftKey("a", "b:c", "reply"));
  });
});

const key = (k: string, over: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; isComposing: boolean }> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...over });

describe("composer keys", () => {
  it("Ctrl+Enter and Cmd+Enter send; Enter alone is a new line", () => {
    expect(composerMove(key("Enter", { ctrlKey: true }))).toBe("send");
    expect(composerMove(key("Enter", { metaKey: true }))).toBe("send");
    expect(composerMove(key("Enter"))).toBeNull();
    expect(composerMove(key("Enter", { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it("Esc leaves the field; an input method's own keys are left to it", () => {
    expect(composerMove(key("Escape"))).toBe("leave");
    expect(composerMove(key("Escape", { isComposing: true }))).toBeNull();
    expect(composerMove(key("Enter", { ctrlKey: true, isComposing: true }))).toBeNull();
  });

  it("after Esc (focus on the page) j moves in the list; in a field it is typed", () => {
    const page = document.createElement("main");
    const field = document.createElement("textarea");
    expect(actionFor({ ...key("j"), target: page })).toBe("next");
    expect(actionFor({ ...key("j"), target: field })).toBeNull();
  });

  it("s and Shift+S choose a status; no key is bound twice", () => {
    const page = document.createElement("main");
    expect(actionFor({ ...key("s"), target: page })).toBe("statusAfterSend");
    expect(actionFor({ ...key("S"), target: page })).toBe("status");
    expect(actionFor({ ...key("r"), target: page })).toBe("reply");
    expect(actionFor({ ...key("n"), target: page })).toBe("note");
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("send and set status", () => {
  const moves: Partial<Record<Status, Status[]>> = {
    new: ["open", "with_contact", "with_external", "dormant", "dormant_until", "resolved", "closed"],
    open: ["with_contact", "with_external", "dormant", "dormant_until", "resolved", "closed"],
    with_contact: ["open", "with_external", "dormant", "dormant_until", "resolved", "closed"],
    resolved: ["closed"],
    closed: [],
  };

  it("offers the four daily statuses the ticket may move to, never its own", () => {
    expect(afterSendChoices("open", moves)).toEqual(["with_contact", "resolved", "closed"]);
    expect(afterSendChoices("with_contact", moves)).toEqual(["open", "resolved", "closed"]);
    expect(afterSendChoices("resolved", moves)).toEqual(["closed"]);
  });

  it("a reply picks a new ticket (it becomes open); a note does not", () => {
    expect(afterSendChoices("new", moves)).toEqual(["with_contact", "resolved", "closed"]);
    expect(afterSendChoices("new", moves, false)).toEqual(["open", "with_contact", "resolved", "closed"]);
  });
});
