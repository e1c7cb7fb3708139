// The funnel chart type (conversion funnels), loaded only by the page using it.
import { FunnelChart } from "echarts/charts";
import { use } from "echarts/core";

use([FunnelChart]);
