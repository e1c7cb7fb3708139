// The Sankey chart type (journeys, Markov transitions): registered on top of charts/echarts.ts by
// the pages that draw one (Chart's `types` prop), so no other page loads it.
import { SankeyChart } from "echarts/charts";
import { use } from "echarts/core";

use([SankeyChart]);
