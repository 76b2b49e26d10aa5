// ECharts through echarts/core with only the parts the console draws (bar charts on a grid, on a
// canvas): no tooltip, legend or pie, whose code a chart that writes its values on the bars does
// not need. Imported only by pages that show a chart, so it is in those pages' chunks and never in
// the login page's (the size of that chunk is in the build report: scripts/build-web.mjs).
import { BarChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import { init, use as register, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

register([BarChart, GridComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;

export function EChart(props: { option: ChartOption; height?: number; label: string; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    const el = ref.current!;
    const instance = init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true });
  }, [props.option]);

  return (
    <div
      ref={ref}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      style={{ width: '100%', height: props.height ?? 320 }}
    />
  );
}
