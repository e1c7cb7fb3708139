// A chart: loads the ECharts chunk on first use, draws `option`, follows its container's size and
// the UI language. Give every chart a label; the page's tables carry the same figures as text.
import type { EChartsCoreOption } from "echarts/core";
import { useEffect, useRef, useState } from "preact/hooks";
import { useI18n, useT } from "../context";

type Charts = typeof import("../charts/echarts");
let loading: Promise<Charts> | undefined;
const loadCharts = () => (loading ??= import("../charts/echarts"));

/** Chart types beyond line, bar and pie: each its own module, loaded with the page that draws it. */
const EXTRA_TYPES = {
  sankey: () => import("../charts/sankey"),
  heatmap: () => import("../charts/heatmap"),
  funnel: () => import("../charts/funnel"),
  marks: () => import("../charts/marks"),
} as const;
export type ExtraChartType = keyof typeof EXTRA_TYPES;

export function Chart({
  option,
  label,
  height = 280,
  types = [],
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
  /** The extra chart types `option` uses (registered before it is drawn). */
  types?: readonly ExtraChartType[];
}) {
  const { language } = useI18n();
  const t = useT();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Charts["createChart"]>>(undefined);
  const [failed, setFailed] = useState(false);

  // One chart instance per language (the locale is fixed at init).
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    Promise.all([loadCharts(), ...types.map((type) => EXTRA_TYPES[type]())])
      .then(([m]) => {
        if (disposed || !el.current) return;
        chart.current = m.createChart(el.current, language);
        chart.current.setOption({ aria: { enabled: true }, ...option }, true);
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(el.current);
      })
      .catch((err) => {
        console.error("charts failed to load", err);
        setFailed(true);
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, [language]);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, ...option }, true);
  }, [option]);

  return (
    <figure class="chart">
      <figcaption class="visually-hidden">{label}</figcaption>
      {failed ? (
        <p class="notice notice-error">{t("chart.failed")}</p>
      ) : (
        <div ref={el} class="chart-canvas" style={{ height: `${height}px` }} role="img" aria-label={label} />
      )}
    </figure>
  );
}
