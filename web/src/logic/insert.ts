// "Insert into the reply": a solution text or suggestion goes into the open reply composer.
const target = new EventTarget();

export function insertIntoReply(text: string): void {
  target.dispatchEvent(new CustomEvent("insert", { detail: text }));
}

export function onInsertIntoReply(handler: (text: string) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<string>).detail);
  target.addEventListener("insert", listener);
  return () => target.removeEventListener("insert", listener);
}

/** The reply text after an insert: appended after what the agent wrote, never replacing it. */
export const withInserted = (before: string, text: string): string => (before.trim() ? `${before.replace(/\s+$/, "")}\n\n${text}` : text);
