// The frame of the pages used without a session: sign-in, invitation, password reset.
import type { ComponentChildren } from "preact";
import { LanguageSwitch } from "../shell";
import { PageHeader } from "./ui";

export function AuthLayout({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <div class="auth">
      <header class="auth-top">
        <span class="brand">Wayfind</span>
        <LanguageSwitch />
      </header>
      <main id="main" class="auth-card">
        <PageHeader title={title} />
        {children}
      </main>
    </div>
  );
}
