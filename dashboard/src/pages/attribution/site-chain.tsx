// The site's own Markov chain (GET /api/v1/reports/markov): transitions between channels (or
// sources, campaigns, partners) over the recent journeys, as a Sankey and a table, with each
// one's removal effect: the share of conversions lost without it, which the Markov model credits by.
import { useSiteApi } from "../../api/hooks";
import { type Column, DataTable } from "../../components/DataTable";
import { FilterBar, SelectFilter } from "../../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading } from "../../components/ui";
import { useFormat, useT } from "../../context";
import { channelLabel } from "../../lib/metrics";
import { useQueryState } from "../../lib/url-state";
import { Transitions } from "./markov";

const DIMENSIONS = ["channel", "source", "campaign", "partner"] as const;

export interface SiteMarkov {
  dimension: (typeof DIMENSIONS)[number];
  window_days: number;
  paths: number;
  conversions: number;
  nulls: number;
  conversion_probability: number;
  removal_effects: { value: string; removal_effect: number }[];
  transition_matrix: Record<string, Record<string, number>>;
}

export function SiteChain() {
  const t = useT();
  const f = useFormat();
  const [query] = useQueryState();
  const by = DIMENSIONS.find((d) => d === query.chain_by) ?? "channel";
  const chain = useSiteApi<SiteMarkov>("/api/v1/reports/markov", { dimension: by });
  const label = (v: string) => (by === "channel" ? channelLabel(t, v) : v);
  type Effect = SiteMarkov["removal_effects"][number];
  const columns: Column<Effect>[] = [
    { key: "value", label: t(`dimensions.${by}`), value: (r) => r.value, render: (r) => label(r.value) },
    {
      key: "removal_effect",
      label: t("attribution.markov.removal_effect"),
      kind: "percent",
      value: (r) => r.removal_effect,
    },
  ];
  return (
    <Card title={t("attribution.site_chain.title")}>
      <FilterBar>
        <SelectFilter
          name="chain_by"
          label={t("attribution.site_chain.by")}
          options={DIMENSIONS.map((d) => ({ value: d, label: t(`dimensions.${d}`) }))}
        />
      </FilterBar>
      {chain.error ? (
        <LoadError error={chain.error} retry={() => chain.mutate()} />
      ) : !chain.data ? (
        <Loading />
      ) : chain.data.paths === 0 ? (
        <EmptyState title={t("attribution.site_chain.empty", { days: chain.data.window_days })}>
          <p>{t("attribution.site_chain.empty_next")}</p>
        </EmptyState>
      ) : (
        <>
          <p class="hint">{t("attribution.site_chain.intro", { days: chain.data.window_days })}</p>
          <dl class="kpis">
            <Kpi
              id="chain-paths"
              label={t("attribution.markov.total_paths")}
              value={f.number(chain.data.paths)}
              raw={chain.data.paths}
            />
            <Kpi
              id="chain-conversion-probability"
              label={t("attribution.markov.conversion_probability")}
              value={f.percent(chain.data.conversion_probability)}
              raw={chain.data.conversion_probability}
            />
          </dl>
          <Transitions
            matrix={chain.data.transition_matrix}
            caption={t("attribution.site_chain.transitions", { by: t(`dimensions.${by}`) })}
            exportName={`markov-transitions-${by}`}
            stateLabel={label}
          />
          <DataTable
            caption={t("attribution.site_chain.removal_effects")}
            showCaption
            columns={columns}
            rows={chain.data.removal_effects}
            rowKey={(r) => r.value}
            exportName={`markov-removal-effects-${by}`}
          />
        </>
      )}
    </Card>
  );
}
