/** The slice of echarts the dashboard draws with, tree-shaken; imported lazily by the charts. */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type { EChartsType } from 'echarts/core';
export { init };
