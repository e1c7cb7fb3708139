// The heatmap chart type and its colour scale (retention cohorts), loaded only by the page using it.
import { HeatmapChart } from "echarts/charts";
import { VisualMapComponent } from "echarts/components";
import { use } from "echarts/core";

use([HeatmapChart, VisualMapComponent]);
