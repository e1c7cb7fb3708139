// The dashboard's only way to the server: /api/v1 with the session cookie (same-origin), or a share
// link's token as a Bearer. Writes with the cookie carry the CSRF header the API asks for
// (functions/edge/lib/web-session.ts); failures arrive as ApiError with the envelope's issues, so
// forms can put each message next to its field (lib/form.ts).

import type { Issue } from "../lib/issues";

export type { Issue };

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The header the API requires on cookie-authenticated writes (GET /api/v1/session names it too). */
export const CSRF_HEADER = "x-wayfind-csrf";

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface ApiClient {
  /** Tells cached answers of different callers apart (SWR keys). */
  readonly id: string;
  /** True for a share link: read-only, whatever the page asks. */
  readonly readOnly: boolean;
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown, query?: Query): Promise<T>;
}

/** `path` with the defined query parameters appended. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

async function failure(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined; // not the envelope (a proxy's HTML page): the status says enough
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (error && typeof error.code === "string") {
    const issues = Array.isArray(error.issues) ? (error.issues as Issue[]) : [];
    return new ApiError(res.status, error.code, String(error.message ?? res.statusText), issues);
  }
  return new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
}

async function request<T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "network", "The server could not be reached.", [], { cause: err });
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** POSTs that only read, which a share link may send (the API's list: functions/edge/lib/access.ts). */
const READ_POSTS: ReadonlySet<string> = new Set(["/api/v1/query"]);

/** A client for a signed-in person (cookie), or for a share link when `shareToken` is given. */
export function createClient(shareToken?: string): ApiClient {
  const auth: Record<string, string> = shareToken ? { authorization: `Bearer ${shareToken}` } : {};
  return {
    id: shareToken ? `share:${shareToken.slice(-8)}` : "session",
    readOnly: Boolean(shareToken),
    get: (path, query) => request("GET", withQuery(path, query), { accept: "application/json", ...auth }),
    send: (method, path, body, query) => {
      // A share link only reads: the query API's POST is a read (functions/edge/lib/access.ts READ_POSTS).
      if (shareToken && !(method === "POST" && READ_POSTS.has(path))) {
        return Promise.reject(new ApiError(403, "read_only", "A share link only reads."));
      }
      if (shareToken) return request(method, withQuery(path, query), { accept: "application/json", ...auth }, body);
      return request(method, withQuery(path, query), { accept: "application/json", [CSRF_HEADER]: "1" }, body);
    },
  };
}
