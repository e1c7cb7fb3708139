// Hono's view of the edge Worker: its bindings (core/env.ts) and who the auth middleware says is calling.
import type { EdgeEnv } from "../../core/env";

export const SCOPES = ["ingest", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export type AuthContext =
  | { kind: "admin" }
  | { kind: "key"; keyId: string; siteId: string; scopes: ReadonlySet<Scope> }
  /** A partner portal key: reads only its partner's own records, under /api/v1/portal. */
  | { kind: "partner"; keyId: string; siteId: string; partnerId: string };

export type AppBindings = { Bindings: EdgeEnv; Variables: { auth: AuthContext } };
