// What the SLA report screens share (服务时限报表, 即将超时, the monitoring centre's panel): the
// API calls, the labels of targets and groups, and the met % bar chart. Their texts are the sla
// screens' (registered here too: these screens are not in the SLA administration chunk).
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type {
  SlaAtRisk,
  SlaGroupBy,
  SlaMetCell,
  SlaMetReport,
  SlaMetRow,
  SlaOpenStates,
  SlaReportTarget,
  SlaRequestState,
} from '../../api/models.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import type { ChartOption } from '../../charts/EChart.tsx';
import { addScreenTexts } from '../../i18n/index.ts';
import slaEn from '../../i18n/locales/sla.en.ts';
import slaZhCN from '../../i18n/locales/sla.zh-CN.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { allOf } from '../../lib/enum.ts';
import { unitName } from '../../components/OrgUnitSelect.tsx';

addScreenTexts('sla', { 'zh-CN': slaZhCN, en: slaEn });

/** Lists on these screens are read again this often while on screen. */
export const SLA_LIVE_MS = 30_000;

export const REPORT_TARGETS = allOf<SlaReportTarget>()([
  'response',
  'feedback',
  'arrival',
  'restoration',
  'resolution',
]);
export const GROUP_BYS = allOf<SlaGroupBy>()([
  'orgUnit',
  'agent',
  'product',
  'tier',
  'kind',
  'day',
  'week',
  'month',
]);
export const REQUEST_SLA_STATES = allOf<SlaRequestState>()(['breached', 'warned', 'paused', 'onTrack']);

export type MetFilters = {
  groupBy: SlaGroupBy;
  from: string;
  to: string;
  kind?: string | undefined;
  target?: SlaReportTarget | undefined;
  orgUnitId?: string | undefined;
  desk?: 'monitoring' | undefined;
};

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

/** % met per target, grouped, in the user's time zone. */
export function useMetReport(filters: MetFilters, options: { refetchInterval?: number } = {}) {
  const { timeZone } = usePrefs();
  const query = defined({ ...filters, zone: timeZone });
  return useApiQuery<SlaMetReport>(
    queryKeys.slaMet(query),
    (signal) => ok(api.GET('/api/v1/sla/reports/met', { params: { query }, signal })),
    options,
  );
}

export function useAtRisk(filters: { horizonMinutes: number; desk?: 'monitoring' }) {
  const { timeZone } = usePrefs();
  const query = { ...filters, zone: timeZone, limit: 200 };
  return useApiQuery<SlaAtRisk>(
    queryKeys.slaAtRisk(query),
    (signal) => ok(api.GET('/api/v1/sla/at-risk', { params: { query }, signal })),
    { refetchInterval: SLA_LIVE_MS },
  );
}

export function useOpenStates(filters: { kind?: string; desk?: 'monitoring' }) {
  const { timeZone } = usePrefs();
  const query = { ...filters, zone: timeZone };
  return useApiQuery<SlaOpenStates>(
    queryKeys.slaOpenStates(query),
    (signal) => ok(api.GET('/api/v1/sla/open-states', { params: { query }, signal })),
    { refetchInterval: SLA_LIVE_MS },
  );
}

/** The export of a report as the API makes it (the session cookie authenticates the download). */
export function exportHref(path: 'met' | 'breaches', query: object, format: 'csv' | 'xlsx'): string {
  const entries: Array<[string, unknown]> = [...Object.entries(query), ['format', format]];
  const params = new URLSearchParams(
    entries.flatMap(([k, v]) => (v === undefined || v === null || v === '' ? [] : [[k, String(v)]])),
  );
  return `/api/v1/sla/reports/${path}/export?${params.toString()}`;
}

/** A local date `YYYY-MM-DD` `days` before or after another. */
export function shiftDate(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Today's date in a time zone. */
export function todayIn(zone: string, now = new Date()): string {
  // en-CA formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);
}

/** Labels of targets, groups and request kinds in the console's language. */
export function useSlaLabels() {
  const { t, i18n } = useTranslation();
  return {
    target: (x: string) => t(`sla.policies.targets.${x as SlaReportTarget}`),
    /** A row's group as people read it: a name, a tier or kind label, a period. */
    group(groupBy: SlaGroupBy, row: Pick<SlaMetRow, 'key' | 'name' | 'nameEn'>): string {
      if (row.key === null) {
        const none = groupBy as 'orgUnit' | 'agent' | 'product' | 'tier' | 'kind';
        return t(`sla.reports.report.none.${none}`);
      }
      switch (groupBy) {
        case 'tier':
          return t(`sla.policies.tiers.${row.key as 'group'}`, { defaultValue: row.key });
        case 'kind':
          return t(`sla.policies.kinds.${row.key as 'fault'}`, { defaultValue: row.key });
        case 'week':
          return t('sla.reports.report.weekOf', { date: row.key });
        case 'orgUnit':
          return row.name ? unitName({ name: row.name, nameEn: row.nameEn }, i18n.language) : row.key;
        case 'day':
        case 'month':
          return row.key;
        default:
          return row.name ?? row.key;
      }
    },
  };
}

/** A met % with its base: "66.7% (2/3)", or the plain "no outcome". */
export function useRateText() {
  const { t, i18n } = useTranslation();
  return (c: SlaMetCell) =>
    c.metPercent === null
      ? t('sla.reports.report.noBase')
      : `${c.metPercent.toLocaleString(i18n.language)}% (${c.met}/${c.decided})`;
}

/**
 * Bars of met % per group, each value written on its bar and each name carrying its base in
 * brackets (a percentage is never shown without it); a group without a base has no bar.
 */
export function metBarOption(names: string[], cells: SlaMetCell[], vertical = false): ChartOption {
  const categories = names.map((n, i) => `${n} (${cells[i]!.decided})`);
  const values = cells.map((c) => c.metPercent);
  const valueAxis = { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } };
  const categoryAxis = {
    type: 'category',
    data: categories,
    ...(vertical
      ? { axisLabel: { interval: 0, rotate: categories.length > 10 ? 45 : 0 } }
      : { inverse: true }),
  };
  return {
    grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
    xAxis: vertical ? categoryAxis : valueAxis,
    yAxis: vertical ? valueAxis : categoryAxis,
    series: [
      {
        type: 'bar',
        data: values,
        barMaxWidth: 24,
        label: { show: true, position: vertical ? 'top' : 'right', formatter: '{c}%' },
      },
    ],
  };
}

/** Room for every bar and its name. */
export const barsHeight = (bars: number) => Math.max(160, 40 + bars * 32);

/** Minutes as people read them ("1天2小时", "3 min"), using the user's duration words. */
export function useMinutes() {
  const { fmt } = usePrefs();
  const { t } = useTranslation();
  return (minutes: number) =>
    Math.abs(minutes) < 1 ? t('sla.reports.atRisk.lessThanMinute') : fmt.duration(Math.abs(minutes) * 60);
}
