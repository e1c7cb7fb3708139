// Small shared pieces: page header, cards, KPI tiles, empty states, notices, loading and error
// states for API reads, and a copy button.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../api/client";
import { useFormat, useI18n, useT } from "../context";
import { type ChangeUnit, changeText, type Translate } from "../lib/change";
import { errorText } from "../lib/error-text";

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · Wayfind`;
  }, [title]);
  return (
    <header class="page-header">
      <h1>{title}</h1>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

export function Card({
  title,
  children,
  actions,
  class: cls,
}: {
  title?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  class?: string;
}) {
  // A plain box with a heading (not a landmark: a page of cards would drown the landmark list).
  return (
    <div class={`card ${cls ?? ""}`}>
      {(title || actions) && (
        <div class="card-head">
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </div>
  );
}

/** A headline figure with its change against the previous period. */
export function Kpi({
  id,
  label,
  value,
  raw,
  change,
  changeUnit,
  previous,
  higherIsBetter = true,
}: {
  id: string;
  label: string;
  value: string;
  raw: number | null;
  change?: number | null | undefined;
  /** "points" for ratios the API compares by their difference (lib/change.ts). */
  changeUnit?: ChangeUnit | undefined;
  /** The previous period's figure: a change from 0 reads "new". */
  previous?: number | null | undefined;
  higherIsBetter?: boolean;
}) {
  const t = useT();
  const f = useFormat();
  // lib/change.ts names its keys and options loosely (Node tests call it); i18next's overloads want them exact.
  const translate: Translate = (key, options) => String(t(key as never, options as never));
  const shown =
    change === undefined ? null : changeText(translate, f, { change, unit: changeUnit, now: raw, previous });
  const direction = shown?.direction ?? 0;
  const trend = direction === 0 ? "flat" : direction > 0 === higherIsBetter ? "good" : "bad";
  return (
    <div class="kpi" data-kpi={id} data-value={raw ?? ""}>
      <dt>{label}</dt>
      <dd class="kpi-value">{value}</dd>
      {shown && (
        <dd class={`kpi-change ${trend}`}>
          <span aria-hidden="true">{direction > 0 ? "↑ " : direction < 0 ? "↓ " : ""}</span>
          {shown.text}
        </dd>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-next">{children}</div>}
    </div>
  );
}

export function Notice({
  kind = "info",
  children,
}: {
  kind?: "info" | "success" | "warning" | "error";
  children: ComponentChildren;
}) {
  return (
    <div class={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p class="loading" role="status">
      {t("common.loading")}
    </p>
  );
}

/** An API read that failed: its message (translated by code when known), and a retry. */
export function LoadError({ error, retry }: { error: ApiError; retry?: () => void }) {
  const { t, language } = useI18n();
  return (
    <Notice kind="error">
      <p>{errorText(t, language, error)}</p>
      {retry && (
        <button type="button" class="button small" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </Notice>
  );
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch (err) {
      console.warn("clipboard refused", err); // the text stays selectable on the page
    }
  };
  return (
    <button type="button" class="button small" onClick={copy}>
      {copied ? t("common.copied") : (label ?? t("common.copy"))}
      <span class="visually-hidden" aria-live="polite">
        {copied ? t("common.copied") : ""}
      </span>
    </button>
  );
}
