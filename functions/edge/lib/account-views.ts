// The API's shapes for people: request fields shared by several routes and typed responses.
import { z } from "@hono/zod-openapi";
import { LANGUAGES } from "../../../jobs/accounts/mail";
import type { UserRow } from "../../../schema/queries/users";
import { ROLES } from "../../../core/roles";

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email())
  .openapi({ example: "founder@example.com" });
export const Password = z.string().min(10, "At least 10 characters.").max(200).openapi({ format: "password" });
export const Language = z.enum(LANGUAGES).openapi({ description: "Language of the emails we send: en or zh-CN." });
export const OneTimeToken = z.string().min(16).max(128);

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    language: Language,
    has_password: z.boolean(),
  })
  .openapi("User");

export const userView = (u: UserRow): z.infer<typeof User> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  language: u.language === "zh-CN" ? "zh-CN" : "en",
  has_password: u.passwordHash !== null,
});

export const MemberSite = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    role: z.enum(ROLES),
    partner_id: z.string().nullable(),
  })
  .openapi("MemberSite");

export const SignedIn = z
  .object({ user: User, redirect_to: z.string().openapi({ description: "A same-origin path." }) })
  .openapi("SignedIn");

export const sessionSecurity: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];
