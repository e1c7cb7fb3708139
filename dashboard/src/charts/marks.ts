// Marked points on a line (the budget curves' current and suggested spend), loaded with that page.
import { MarkPointComponent } from "echarts/components";
import { use } from "echarts/core";

use([MarkPointComponent]);
