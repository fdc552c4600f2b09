import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import type { StaffingForecastView } from './data';

// Only what this chart draws, in the staffing route's own chunk.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Agents to schedule (bars) against agents actually online (line), per 30-minute interval. */
export default function StaffingChart({ forecast }: { forecast: StaffingForecastView }) {
  const { t } = useTranslation();
  return (
    <ReactEChartsCore
      echarts={echarts}
      style={{ height: 320 }}
      notMerge
      option={{
        // 48 intervals redraw on every parameter change: no animation, so the bars never show a half-grown value.
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 40, top: 36, bottom: 30 },
        xAxis: { type: 'category', data: forecast.intervals.map((item) => item.label) },
        yAxis: [
          { type: 'value', name: '', minInterval: 1 },
          { type: 'value', name: '', position: 'right' },
        ],
        series: [
          {
            name: t('staffing.required'),
            type: 'bar',
            data: forecast.intervals.map((item) => item.scheduledAgents),
            itemStyle: { color: '#1677ff' },
          },
          {
            name: t('staffing.actual'),
            type: 'line',
            step: 'middle',
            data: forecast.intervals.map((item) => item.actualAgents),
            itemStyle: { color: '#fa8c16' },
          },
          {
            name: t('staffing.volume'),
            type: 'line',
            yAxisIndex: 1,
            smooth: true,
            lineStyle: { type: 'dashed' },
            data: forecast.intervals.map((item) => item.forecastVolume),
            itemStyle: { color: '#8c8c8c' },
          },
        ],
      }}
    />
  );
}
