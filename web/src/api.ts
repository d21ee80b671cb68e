// The API client: Bearer token on every call, errors as ApiError with the API's code.
import { Store } from "./store";
import type { User } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What some errors add beside code and message (issue 15: where a template fails). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Session { token: string; user: User }

const SESSION_KEY = "servit.session";
let apiBase = "";

export const session = new Store<Session | null>(readSession());
/** Why the user was sent back to the login screen, if not by their own choice. */
export const loggedOutReason = new Store<"expired" | null>(null);

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function setSession(value: Session | null): void {
  if (value) localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEY);
  session.set(value);
}

/** Log out: the API revokes the token first, so that it stops working at once even where a
 * copy of it lingers; then the UI drops it. Offline, or with a token already dead, dropping
 * it is all there is to do, and the login screen then says nothing of "expired". */
export async function logOut(): Promise<void> {
  if (session.get()) {
    try {
      await send("POST", "/api/auth/logout");
    } catch {
      /* dropped below all the same */
    }
  }
  loggedOutReason.set(null);
  setSession(null);
}

/** In AWS the UI and the API may live on different hosts: config.json (written at deploy) says where. */
export async function loadConfig(): Promise<void> {
  try {
    const response = await fetch("config.json", { cache: "no-cache" });
    if (response.ok) apiBase = String(((await response.json()) as { apiBase?: string }).apiBase ?? "");
  } catch {
    apiBase = "";
  }
}

export interface RequestOptions { ifMatch?: number; signal?: AbortSignal; ifNoneMatch?: string }

async function send(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const current = session.get();
  if (current) headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (options.ifMatch !== undefined) headers["If-Match"] = `"${options.ifMatch}"`;
  if (options.ifNoneMatch) headers["If-None-Match"] = options.ifNoneMatch;
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "network", String(error));
  }
  if (response.status === 304 && options.ifNoneMatch) return response; // issue 15: unchanged
  if (!response.ok) {
    let code = `http_${response.status}`;
    let message = response.statusText;
    let details: Record<string, unknown> = {};
    try {
      const parsed = (await response.json()) as { error?: string; message?: string; details?: Record<string, unknown> };
      code = parsed.error ?? code;
      message = parsed.message ?? message;
      details = parsed.details ?? {};
    } catch {
      /* not our JSON shape: keep the HTTP status */
    }
    if (response.status === 401 && current && path !== "/api/auth/login") {
      // The token expired or was revoked: back to the login screen, saying why.
      loggedOutReason.set("expired");
      setSession(null);
    }
    throw new ApiError(response.status, code, message, details);
  }
  return response;
}

export async function api<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  const response = await send(method, path, body, options);
  return (await response.json()) as T;
}

export const get = <T>(path: string, options?: RequestOptions) => api<T>("GET", path, undefined, options);

/** Issue 15: a GET that sends the ETag it last got; null when the server answers 304 (unchanged). */
export async function getIfChanged<T>(path: string, etag: string | undefined, options: RequestOptions = {}): Promise<{ body: T; etag: string | null } | null> {
  const response = await send("GET", path, undefined, { ...options, ifNoneMatch: etag });
  if (response.status === 304) return null;
  return { body: (await response.json()) as T, etag: response.headers.get("ETag") };
}

/** Downloads need the Bearer token, so they go through fetch and a blob URL. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await send("GET", path);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A download that a POST answers (an export of criteria given in the body). */
export async function downloadPost(path: string, body: unknown, filename: string): Promise<void> {
  const url = URL.createObjectURL(await (await send("POST", path, body)).blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An image of a message (cid: inline images), as a data: URL the sandboxed frame may show. */
export async function imageAsDataUrl(path: string): Promise<string> {
  const blob = await (await send("GET", path)).blob();
  return await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

export function q(path: string, params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") search.set(k, String(v));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** A path segment: escaped, but ':' kept (inbox ids are kind:key, and some servers keep %3A as is). */
export const seg = (text: string): string => encodeURIComponent(text).replace(/%3A/gi, ":");
