// The pure parts of people's access: password hashes and what each role or share link may reach.
import { describe, expect, it } from "vitest";
import { hashPassword, PASSWORD_ITERATIONS, UNKNOWN_USER_HASH, verifyPassword } from "../../core/password";
import { endpointGroup, rolePermits, sharePermits } from "../../functions/edge/lib/access";

describe("passwords", () => {
  it("hash with PBKDF2-SHA256 at 100,000 iterations and a fresh salt, stored with the hash", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PASSWORD_ITERATIONS}\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`));
    expect(a).not.toBe(b); // per-hash salt
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", a)).toBe(false);
  });

  it("verify an older, cheaper hash by the count stored with it; refuse malformed ones", async () => {
    const cheap = await hashPassword("pw-0123456789", 1000);
    expect(cheap.split("$")[1]).toBe("1000");
    expect(await verifyPassword("pw-0123456789", cheap)).toBe(true);
    for (const bad of ["", "md5$1$a$b", "pbkdf2-sha256$abc$AAAA$AAAA", `pbkdf2-sha256$200000$AAAA$AAAA`]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
    }
    expect(await verifyPassword("", UNKNOWN_USER_HASH)).toBe(false);
  });
});

describe("access rules", () => {
  it("map roles onto the scopes routes ask for", () => {
    const reports = "/api/v1/report-subscriptions";
    const keys = "/api/v1/sites/s1/keys";
    expect(rolePermits("viewer", "read", keys)).toBe(true);
    expect(rolePermits("viewer", "admin", reports)).toBe(false);
    expect(rolePermits("analyst", "admin", reports)).toBe(true);
    expect(rolePermits("analyst", "admin", "/api/v1/alert-rules/a1")).toBe(true);
    expect(rolePermits("analyst", "admin", keys)).toBe(false);
    expect(rolePermits("admin", "admin", keys)).toBe(true);
    expect(rolePermits("admin", "owner", "/api/v1/sites/s1/members")).toBe(false);
    expect(rolePermits("owner", "owner", "/api/v1/sites/s1/members")).toBe(true);
    expect(rolePermits("owner", "admin-token", "/api/v1/sites")).toBe(false);
    expect(rolePermits("partner", "read", "/api/v1/reports/roi")).toBe(false);
  });

  it("let a share link GET only its pages and the site itself", () => {
    expect(endpointGroup("/api/v1/items/c1/similar")).toBe("recommendations");
    expect(endpointGroup("/api/v1/items/c1")).toBe("courses");
    expect(endpointGroup("/api/v1/items/c1/lessons")).toBe("courses");
    expect(endpointGroup("/api/v1/courses/attention")).toBe("courses");
    expect(endpointGroup("/api/v1/sites/s1/keys")).toBeNull();
    expect(sharePermits(["overview"], "read", "GET", "/api/v1/reports/overview")).toBe(true);
    expect(sharePermits(["overview"], "read", "GET", "/api/v1/sites/s1")).toBe(true);
    expect(sharePermits(["overview"], "read", "GET", "/api/v1/reports/roi")).toBe(false);
    expect(sharePermits(["overview"], "read", "POST", "/api/v1/reports/overview")).toBe(false);
    expect(sharePermits(["roi"], "admin", "GET", "/api/v1/reports/roi")).toBe(false);
    expect(sharePermits(["partners"], "read", "GET", "/api/v1/sites/s1/members")).toBe(false);
  });
});
