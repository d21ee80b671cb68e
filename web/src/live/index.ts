// Live lists (issue 15): the server tells open lists and counts when a ticket the user may see
// changes, over a WebSocket (API Gateway's WebSocket API in AWS, the local front door's /live
// locally; GET /api/live says where). Subscribers re-fetch what they show.
//
// While the socket is down (connecting, refused, a proxy that drops it) the same subscribers are
// told `{ id: ANY }` now and then — every FALLBACK_MS with jitter, so 200 agents do not ask in
// step — and re-fetch with If-None-Match (web/src/live/conditional.ts): an unchanged list is a
// 304 with no body. With the socket up there is no timer at all: a refresh follows a notice.
import { get, session } from "../api";
import { Store } from "../store";

/** What a notice says: ids and state, never a title or a name. `id === ANY`: something may
 *  have changed (the fallback, or a socket that was down a while): re-fetch. */
export interface TicketChange {
  id: string;
  version?: number;
  status?: string;
  group_id?: string | null;
  agent_id?: string | null;
}

export const ANY = "*";
export type LiveState = "off" | "connecting" | "live" | "fallback";
export const liveState = new Store<LiveState>("off");
// The state on the page too (<html data-live="live">): browser tests wait for the socket by it.
liveState.subscribe(() => {
  if (typeof document !== "undefined") document.documentElement.dataset.live = liveState.get();
});

export const FALLBACK_MS = 45_000;
export const FALLBACK_JITTER_MS = 30_000;
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const KEEPALIVE_MS = 5 * 60_000; // API Gateway closes a socket idle for 10 minutes

type Listener = (change: TicketChange) => void;
const listeners = new Set<Listener>();

/** Call `fn` when a ticket the user may see changes; returns the unsubscribe function. */
export function onTicketChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}

export function announce(change: TicketChange): void {
  for (const fn of [...listeners]) {
    try {
      fn(change);
    } catch {
      /* one subscriber's trouble is not the others' */
    }
  }
}

/** A notice as the server sends it, or null for anything else (keepalive answers, errors). */
export function parseNotice(text: unknown): TicketChange | null {
  if (typeof text !== "string") return null;
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    if (data.type !== "ticket" || typeof data.id !== "string") return null;
    return {
      id: data.id,
      version: typeof data.version === "number" ? data.version : undefined,
      status: typeof data.status === "string" ? data.status : undefined,
      group_id: typeof data.group_id === "string" ? data.group_id : null,
      agent_id: typeof data.agent_id === "string" ? data.agent_id : null,
    };
  } catch {
    return null;
  }
}

/** The socket's address: the server's absolute wss:// URL, or a path on the UI's own origin. */
export function socketUrl(url: string, where: Location = location): string {
  if (/^wss?:\/\//.test(url)) return url;
  const scheme = where.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${where.host}${url.startsWith("/") ? "" : "/"}${url}`;
}

/** The wait before the n-th reconnect (0-based), with up to 30 % jitter either way. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
  return Math.round(base * (0.7 + 0.6 * random()));
}

export function fallbackDelay(random: () => number = Math.random): number {
  return FALLBACK_MS + Math.round((random() - 0.5) * FALLBACK_JITTER_MS);
}

/** Open the live connection for the signed-in user; the returned function closes it. */
export function startLive(): () => void {
  let stopped = false;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let everOpen = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  let keepalive: ReturnType<typeof setInterval> | undefined;

  const scheduleFallback = () => {
    clearTimeout(fallback);
    if (stopped || liveState.get() === "live") return;
    fallback = setTimeout(() => {
      announce({ id: ANY });
      scheduleFallback();
    }, fallbackDelay());
  };

  const reconnect = () => {
    if (stopped) return;
    liveState.set("fallback");
    scheduleFallback();
    clearTimeout(retry);
    retry = setTimeout(() => void open(), backoff(attempt++));
  };

  async function open(): Promise<void> {
    const token = session.get()?.token;
    if (stopped || !token) return;
    let url = "";
    try {
      url = (await get<{ url: string }>("/api/live")).url;
    } catch {
      reconnect();
      return;
    }
    if (stopped) return;
    if (!url) {
      liveState.set("fallback"); // this stack has no live socket: refresh by ETag only
      scheduleFallback();
      return;
    }
    liveState.set("connecting");
    const ws = new WebSocket(socketUrl(url), ["servit", `bearer.${token}`]);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      liveState.set("live");
      clearTimeout(fallback);
      clearInterval(keepalive);
      keepalive = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"action":"ping"}'), KEEPALIVE_MS);
      if (everOpen) announce({ id: ANY }); // notices may have been missed while it was down
      everOpen = true;
    };
    ws.onmessage = (event: MessageEvent) => {
      const change = parseNotice(event.data);
      if (change) announce(change);
    };
    ws.onclose = () => {
      clearInterval(keepalive);
      if (socket === ws) socket = null;
      reconnect();
    };
  }

  void open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    clearTimeout(fallback);
    clearInterval(keepalive);
    liveState.set("off");
    socket?.close();
    socket = null;
  };
}

/** Run `fn` once, `ms` after the last of a burst of calls. */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}
