// A chart: loads the ECharts chunk on first use, draws `option`, follows its container's size and
// the UI language. Give every chart a label; the page's tables carry the same figures as text.
import type { EChartsCoreOption } from "echarts/core";
import { useEffect, useRef, useState } from "preact/hooks";
import { useI18n, useT } from "../context";

type Charts = typeof import("../charts/echarts");
let loading: Promise<Charts> | undefined;
const loadCharts = () => (loading ??= import("../charts/echarts"));

export function Chart({ option, label, height = 280 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const { language } = useI18n();
  const t = useT();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Charts["createChart"]>>(undefined);
  const [failed, setFailed] = useState(false);

  // One chart instance per language (the locale is fixed at init).
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    loadCharts()
      .then((m) => {
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
