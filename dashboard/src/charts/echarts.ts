// ECharts, only what the dashboard draws: imported per chart type and component, with the SVG
// renderer. This module is loaded on demand (components/Chart.tsx), so it is its own chunk and the
// first page stays small (test/node/dashboard-size.test.ts checks echarts is not in it).
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { type EChartsType, init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

use([
  LineChart,
  BarChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  AriaComponent,
  SVGRenderer,
]);

/**
 * A chart in `el`. echarts/core registers its Chinese locale ("ZH") itself; choosing it here
 * localises the tooltips, the aria descriptions and the built-in labels.
 */
export function createChart(el: HTMLElement, language: string): EChartsType {
  return init(el, null, { renderer: "svg", locale: language === "zh-CN" ? "ZH" : "EN" });
}
