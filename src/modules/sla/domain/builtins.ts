/** The built-in calendars: fixed, listed beside the ones administrators define per org unit. */
import type { CalendarSpec } from './calendar.ts';

export const DEFAULT_ZONE = 'Asia/Shanghai';

export interface BuiltinCalendar extends CalendarSpec {
  name: string;
  nameEn: string;
  description: string;
}

export const BUILTIN_CALENDARS: readonly BuiltinCalendar[] = [
  {
    code: '24x7',
    name: '7×24小时',
    nameEn: '24×7',
    description:
      'Every day, all day (the hotline and fault repair: 提供24小时全天候服务). Unit overrides do not apply.',
    zone: DEFAULT_ZONE,
    days: 'every_day',
    periods: [],
    honoursOverrides: false,
  },
  {
    code: 'cn-workdays',
    name: '法定工作日（全天）',
    nameEn: 'National working days (whole days)',
    description: 'Monday to Friday minus statutory holidays plus adjusted working days (调休), 00:00–24:00.',
    zone: DEFAULT_ZONE,
    days: 'national',
    periods: [],
    honoursOverrides: true,
  },
  {
    code: 'cn-office',
    name: '法定工作日 办公时间',
    nameEn: 'National working days, office hours',
    description:
      'National working days, 08:30–12:00 and 13:00–17:30: an 8-hour working day with a one-hour lunch break.',
    zone: DEFAULT_ZONE,
    days: 'national',
    periods: [
      { from: 8 * 60 + 30, to: 12 * 60 },
      { from: 13 * 60, to: 17 * 60 + 30 },
    ],
    honoursOverrides: true,
  },
];

export const builtinCalendar = (code: string): BuiltinCalendar | undefined =>
  BUILTIN_CALENDARS.find((c) => c.code === code);
