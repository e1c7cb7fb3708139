// Hono's view of the edge Worker: its bindings (core/env.ts) and who the auth middleware says is calling.
import type { EdgeEnv } from "../../core/env";
import type { Membership, Permission, Scope, SharePage } from "../../core/roles";

export { SCOPES, type Scope } from "../../core/roles";

export type AuthContext =
  | { kind: "admin" }
  | { kind: "key"; keyId: string; siteId: string; scopes: ReadonlySet<Scope> }
  /** The partner portal: a partner key, or a signed-in partner member (keyId null). Reads only its partner's own records. */
  | { kind: "partner"; keyId: string | null; siteId: string; partnerId: string }
  /** A person signed in with the session cookie: a role per site (lib/access.ts says what each allows). */
  | { kind: "user"; userId: string; sessionId: string; memberships: readonly Membership[] }
  /** A read-only share link of one site, limited to some dashboard pages. */
  | { kind: "share"; linkId: string; siteId: string; pages: readonly SharePage[] };

export type AppBindings = {
  Bindings: EdgeEnv;
  /** `need`: the permission the route's middleware asked for, checked again per site by siteScope(). */
  Variables: { auth: AuthContext; need: Permission };
};
