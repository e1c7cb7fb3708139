// Channel rules (the site's own, checked before the built-in GA4-style ones) and the live
// classifier: POST /api/v1/classify runs the capture pipeline's own code on a landing URL and
// referrer with the site's saved rules, so what it shows is what capture will record.
import { useState } from "preact/hooks";
import { useRefresh } from "../../api/hooks";
import type { ChannelRule, Classification, Site } from "../../api/types";
import { bindControl, Field, FieldError, FormError, Submit } from "../../components/Field";
import { Card, EmptyState, Notice } from "../../components/ui";
import { useApiClient, useCan, useSite, useT } from "../../context";
import { useForm } from "../../lib/form";

const PARTS = ["source", "medium", "campaign"] as const;
type Row = { channel: string; source: string; medium: string; campaign: string };

const toRow = (r: ChannelRule): Row => ({
  channel: r.channel,
  source: r.source ?? "",
  medium: r.medium ?? "",
  campaign: r.campaign ?? "",
});
const toRule = (r: Row): ChannelRule => ({
  channel: r.channel.trim(),
  ...Object.fromEntries(PARTS.filter((p) => r[p].trim()).map((p) => [p, r[p].trim()])),
});

export function ChannelRules() {
  const { site } = useSite();
  return site ? (
    <>
      <RulesEditor key={site.id} site={site} />
      <Classifier siteId={site.id} />
    </>
  ) : null;
}

function RulesEditor({ site }: { site: Site }) {
  const t = useT();
  const api = useApiClient();
  const refresh = useRefresh();
  const editable = useCan("manage");
  const [rows, setRows] = useState<Row[]>(site.channel_rules.map(toRow));
  const [saved, setSaved] = useState(false);
  const form = useForm({}, async () => {
    setSaved(false);
    await api.send<Site>("PATCH", `/api/v1/sites/${site.id}`, { channel_rules: rows.map(toRule) });
    await refresh(`/api/v1/sites/${site.id}`);
    setSaved(true);
  });
  const update = (i: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) =>
    setRows((rs) => {
      const next = [...rs];
      const [row] = next.splice(i, 1);
      next.splice(i + by, 0, row!);
      return next;
    });
  return (
    <Card title={t("settings.channels.title")}>
      <p class="hint">{t("settings.channels.intro")}</p>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        {saved && <Notice kind="success">{t("common.saved")}</Notice>}
        {rows.length === 0 ? (
          <EmptyState title={t("settings.channels.empty")}>
            <p>{t(editable ? "settings.channels.empty_next" : "settings.channels.empty_builtin")}</p>
          </EmptyState>
        ) : (
          <ol class="rule-list">
            {rows.map((row, i) => (
              <li key={i} class="rule">
                <fieldset disabled={!editable}>
                  <legend>{t("settings.channels.rule", { n: i + 1 })}</legend>
                  <div class="rule-fields">
                    {(["channel", ...PARTS] as const).map((part) => {
                      const name = `channel_rules.${i}.${part}`;
                      const a11y = bindControl(form, name);
                      return (
                        <div class="field" key={part}>
                          <label for={a11y.id}>{t(`settings.channels.${part}`)}</label>
                          <input
                            {...a11y}
                            value={row[part]}
                            placeholder={part === "channel" ? "Paid Social" : "^(wechat|weixin)$"}
                            onInput={(e) => update(i, { [part]: (e.currentTarget as HTMLInputElement).value })}
                          />
                          <FieldError form={form} name={name} />
                        </div>
                      );
                    })}
                  </div>
                  {editable && (
                    <div class="rule-actions">
                      <button type="button" class="button small" disabled={i === 0} onClick={() => move(i, -1)}>
                        {t("settings.channels.up")}
                      </button>
                      <button
                        type="button"
                        class="button small"
                        disabled={i === rows.length - 1}
                        onClick={() => move(i, 1)}
                      >
                        {t("settings.channels.down")}
                      </button>
                      <button
                        type="button"
                        class="button small danger"
                        onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                      >
                        {t("common.remove")}
                      </button>
                    </div>
                  )}
                  <FieldError form={form} name={`channel_rules.${i}`} />
                </fieldset>
              </li>
            ))}
          </ol>
        )}
        {editable && (
          <div class="form-actions">
            <button
              type="button"
              class="button"
              onClick={() => setRows((rs) => [...rs, { channel: "", source: "", medium: "", campaign: "" }])}
            >
              {t("settings.channels.add")}
            </button>
            <Submit form={form}>{t("common.save")}</Submit>
          </div>
        )}
      </form>
    </Card>
  );
}

function Classifier({ siteId }: { siteId: string }) {
  const t = useT();
  const api = useApiClient();
  const [result, setResult] = useState<Classification | null>(null);
  const form = useForm({ url: "", referrer: "" }, async (v) => {
    setResult(
      await api.send<Classification>(
        "POST",
        "/api/v1/classify",
        { url: v.url.trim(), referrer: v.referrer.trim() || undefined, user_agent: navigator.userAgent },
        { site_id: siteId },
      ),
    );
  });
  const shown =
    result &&
    ([
      ["channel", result.channel],
      ["source", result.source],
      ["medium", result.medium],
      ["campaign", result.campaign],
      ["content", result.content],
      ["term", result.term],
      ["click_id_type", result.click_id_type],
      ["partner_code", result.partner_code],
    ] as const);
  return (
    <Card title={t("settings.classifier.title")}>
      <p class="hint">{t("settings.classifier.intro")}</p>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <div class="form-grid">
          <Field
            form={form}
            name="url"
            label={t("settings.classifier.url")}
            type="url"
            placeholder="https://example.com/?utm_source=wechat"
            required
          />
          <Field
            form={form}
            name="referrer"
            label={t("settings.classifier.referrer")}
            type="url"
            placeholder="https://www.baidu.com/"
          />
        </div>
        <Submit form={form}>{t("settings.classifier.run")}</Submit>
      </form>
      {shown && (
        <dl class="classification" aria-live="polite">
          {shown.map(([k, v]) => (
            <div key={k}>
              <dt>{t(`settings.classifier.fields.${k}`)}</dt>
              <dd>{v ?? "–"}</dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}
