import { BarChart, GaugeChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import { PRESENCE_COLORS, PRESENCES } from './presence';
import type { WallboardStatsView } from './data';

// Only the pieces the wallboard draws: this module is loaded with the wallboard route, never on first load.
echarts.use([GaugeChart, BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

const HEIGHT = 190;

/** Today's service level as a gauge: green at or above 80 %, orange above 60 %, else red. */
export function ServiceLevelGauge({ stats }: { stats: WallboardStatsView }) {
  const { t } = useTranslation();
  const percent = stats.serviceLevel === null ? null : Math.round(stats.serviceLevel * 1000) / 10;
  return (
    <ReactEChartsCore
      echarts={echarts}
      style={{ height: HEIGHT }}
      notMerge
      option={{
        series: [
          {
            type: 'gauge',
            min: 0,
            max: 100,
            radius: '95%',
            center: ['50%', '58%'],
            startAngle: 200,
            endAngle: -20,
            progress: { show: true, width: 12 },
            axisLine: {
              lineStyle: {
                width: 12,
                color: [
                  [0.6, '#ffccc7'],
                  [0.8, '#ffe7ba'],
                  [1, '#d9f7be'],
                ],
              },
            },
            itemStyle: { color: percent === null ? '#bfbfbf' : percent >= 80 ? '#52c41a' : percent >= 60 ? '#fa8c16' : '#f5222d' },
            pointer: { show: false },
            axisTick: { show: false },
            splitLine: { show: false },
            axisLabel: { show: false },
            anchor: { show: false },
            title: { show: true, offsetCenter: [0, '38%'], fontSize: 12, color: '#8c8c8c' },
            detail: {
              valueAnimation: true,
              offsetCenter: [0, '5%'],
              fontSize: 26,
              fontWeight: 600,
              formatter: () => (percent === null ? '—' : `${percent}%`),
            },
            data: [{ value: percent ?? 0, name: t('wallboard.serviceLevel') }],
          },
        ],
      }}
    />
  );
}

/** How many agents are in each presence state. */
export function PresenceBar({ stats }: { stats: WallboardStatsView }) {
  const { t } = useTranslation();
  return (
    <ReactEChartsCore
      echarts={echarts}
      style={{ height: HEIGHT }}
      notMerge
      option={{
        grid: { left: 8, right: 16, top: 16, bottom: 4, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'category', data: PRESENCES.map((status) => t(`presence.${status}`)), axisTick: { show: false } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            type: 'bar',
            barMaxWidth: 36,
            label: { show: true, position: 'top' },
            data: PRESENCES.map((status) => ({ value: stats.agents[status], itemStyle: { color: PRESENCE_COLORS[status] } })),
          },
        ],
      }}
    />
  );
}
