// Install check: the snippet tag for this site, and whether events arrive (the newest one).
import { useState } from "preact/hooks";
import useSWR from "swr";
import type { StoredEvent } from "../../api/types";
import { Card, CopyButton, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useFormat, useSite, useT } from "../../context";
import { lastEvent } from "../../lib/last-event";
import type { ApiError } from "../../api/client";

export function Install() {
  const t = useT();
  const f = useFormat();
  const api = useApiClient();
  const { site, siteId } = useSite();
  const [checkedAt, setCheckedAt] = useState(() => Date.now());
  const last = useSWR<StoredEvent | null, ApiError>([api.id, "last-event", siteId, checkedAt], () =>
    lastEvent(api, siteId, checkedAt),
  );
  if (!site) return null;
  const tag = `<script defer src="${location.origin}/t.js" data-site="${site.public_key}"></script>`;
  return (
    <>
      <Card title={t("settings.install.snippet")}>
        <p>{t("settings.install.snippet_intro", { domain: site.domain })}</p>
        <pre class="code" tabIndex={0} aria-label={t("settings.install.snippet")}>
          <code>{tag}</code>
        </pre>
        <CopyButton text={tag} />
        <p class="hint">{t("settings.install.public_key_hint")}</p>
      </Card>
      <Card
        title={t("settings.install.status")}
        actions={
          <button
            type="button"
            class="button small"
            onClick={() => setCheckedAt(Date.now())}
            disabled={last.isValidating}
          >
            {t("settings.install.check_again")}
          </button>
        }
      >
        {last.error ? (
          <LoadError error={last.error} retry={() => setCheckedAt(Date.now())} />
        ) : last.data === undefined ? (
          <Loading />
        ) : last.data === null ? (
          <EmptyState title={t("settings.install.no_events")}>
            <p>{t("settings.install.no_events_next", { domain: site.domain })}</p>
          </EmptyState>
        ) : (
          <Notice kind="success">
            <p>
              {t("settings.install.last_event", {
                type: last.data.type,
                time: f.dateTime(last.data.ts),
                ago: f.ago(last.data.ts),
              })}
            </p>
            {last.data.url && (
              <p class="hint">
                <code>{last.data.url}</code>
              </p>
            )}
          </Notice>
        )}
      </Card>
    </>
  );
}
