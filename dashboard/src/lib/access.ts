// Which write controls a role sees. The API enforces the same rules (functions/edge/lib/access.ts,
// README "People, roles and share links"); hiding what would be refused keeps pages honest.
import type { Role } from "../api/types";

export type Capability =
  /** Site settings, channel rules, API keys, share links (and reading keys and members). */
  | "manage"
  /** Inviting people, changing roles, removing members. */
  | "members"
  /** Report subscriptions and alert rules (analysts may). */
  | "reports";

export function can(role: Role | undefined, capability: Capability): boolean {
  switch (role) {
    case "owner":
      return true;
    case "admin":
      return capability !== "members";
    case "analyst":
      return capability === "reports";
    default:
      return false; // viewers, partners, share links: read only
  }
}
