// Shared state of the signed-in UI: the directory, notices, the open list, the view.
import { api, get, session, setSession } from "./api";
import { setLanguage, setTimeZone } from "./i18n";
import { Store } from "./store";
import { loadFieldSettings } from "./logic/fieldSettings";
import type { Directory, Lang, User, View } from "./types";

export const directory = new Store<Directory | null>(null);

export async function loadDirectory(): Promise<Directory> {
  // Field settings first: a form drawn from the directory already leaves hidden fields out.
  const [loaded] = await Promise.all([get<Directory>("/api/ui/directory"), loadFieldSettings()]);
  if (loaded.time_zone) setTimeZone(loaded.time_zone); // before the lists redraw with it
  directory.set(loaded);
  return loaded;
}

// Admins change groups, users and field settings while agents keep the UI open all day: the
// directory is asked again when the window gets focus back and every 5 minutes, so a field an
// admin hid leaves the forms without a reload (the API refuses writes to it either way).
const DIRECTORY_REFRESH_MS = 5 * 60_000;
const DIRECTORY_MIN_GAP_MS = 2_000;
export function keepDirectoryFresh(): () => void {
  let last = Date.now();
  const refresh = () => {
    if (Date.now() - last < DIRECTORY_MIN_GAP_MS) return;
    last = Date.now();
    loadDirectory().catch(() => undefined); // the directory already loaded stays in use
  };
  const onVisible = () => document.visibilityState === "visible" && refresh();
  const timer = setInterval(refresh, DIRECTORY_REFRESH_MS);
  window.addEventListener("focus", refresh);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    clearInterval(timer);
    window.removeEventListener("focus", refresh);
    document.removeEventListener("visibilitychange", onVisible);
  };
}

export interface Notice { kind: "info" | "error"; text: string; at: number }
export const notice = new Store<Notice | null>(null);
export function say(text: string, kind: Notice["kind"] = "info"): void {
  notice.set({ kind, text, at: Date.now() });
}

/** The ticket list last shown, so j/k and "next" can walk it. */
export const currentList = new Store<{ inbox: string; ids: string[] }>({ inbox: "", ids: [] });

export const helpOpen = new Store(false);

function patchUser(changes: Partial<User>): void {
  const current = session.get();
  if (current) setSession({ ...current, user: { ...current.user, ...changes } });
}

/** Language and view are the user's own settings (S15, S18), saved on the server. */
export async function chooseLanguage(lang: Lang): Promise<void> {
  setLanguage(lang);
  if (session.get()) {
    patchUser({ language: lang });
    await api("PATCH", "/api/me", { language: lang });
  }
}

export async function chooseView(view: View): Promise<void> {
  patchUser({ view });
  await api("PATCH", "/api/me", { view });
}
