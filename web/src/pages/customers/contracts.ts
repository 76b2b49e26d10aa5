// Pure helpers of an enterprise's service agreements (服务协议) on the 360 page: where a contract
// stands today, what its SLA rows commit in plain words, and the API's refusals in the user's words.
import { ApiError } from '../../api/errors.ts';

/** A contract's validity: China dates (YYYY-MM-DD), both days included; no end = open-ended. */
export interface ContractPeriod {
  validFrom: string;
  validTo: string | null;
}

export type ContractStatus = 'current' | 'upcoming' | 'ended';

/** Where a contract stands on `today` (a China date): in force, not yet, or over. */
export function contractStatus(c: ContractPeriod, today: string): ContractStatus {
  if (today < c.validFrom) return 'upcoming';
  if (c.validTo !== null && c.validTo < today) return 'ended';
  return 'current';
}

/** What a contract may be asked to do: end only one in force (an upcoming one is changed instead). */
export function contractActions(c: ContractPeriod, today: string): Array<'edit' | 'end'> {
  return contractStatus(c, today) === 'current' ? ['edit', 'end'] : ['edit'];
}

export type LimitUnit =
  'working_days' | 'calendar_days' | 'hours' | 'working_hours' | 'minutes' | 'working_minutes';

/**
 * A policy target's duration in plain words, as the SLA module says it (`3wd` → 3 working days;
 * hours and minutes are round the clock on the 24x7 calendar, working time on any other).
 * Undefined for a duration it cannot read (shown as written).
 */
export function limitOf(duration: string, calendar: string): { amount: number; unit: LimitUnit } | undefined {
  const m = /^(\d{1,7})(wd|d|h|m)$/.exec(duration.trim());
  if (!m) return undefined;
  const amount = Number(m[1]);
  const roundTheClock = calendar === '24x7';
  switch (m[2]) {
    case 'wd':
      return { amount, unit: 'working_days' };
    case 'd':
      return { amount, unit: 'calendar_days' };
    case 'h':
      return { amount, unit: roundTheClock ? 'hours' : 'working_hours' };
    default:
      return { amount, unit: roundTheClock ? 'minutes' : 'working_minutes' };
  }
}

interface PolicyRow {
  code: string;
  match: { contractId?: string };
  active: boolean;
}

/** The active SLA rows that name this contract (what it commits), in the matrix's order. */
export function rowsOfContract<P extends PolicyRow>(policies: readonly P[], contractNo: string): P[] {
  return policies.filter((p) => p.active && p.match.contractId === contractNo);
}

/** i18next's t with a key built at run time. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The API's refusals of a contract, with the field each names said in the user's words: a number
 * taken (409 on contractNo), a period sharing a day with another contract (422 on validFrom, the
 * other contract in `details.overlaps`), an end before the start (400 on validTo). Anything else
 * is returned as it came (the form shows the server's text).
 */
export function contractError(err: unknown, t: Translate): unknown {
  if (!(err instanceof ApiError)) return err;
  const details = (err.details ?? {}) as {
    field?: unknown;
    fields?: Array<{ field?: unknown; message?: unknown }>;
    overlaps?: { contractNo?: unknown; validFrom?: unknown; validTo?: unknown };
  };
  if (err.status === 409 && details.field === 'contractNo')
    return new ApiError(err.status, err.code, err.message, {
      fields: [{ field: 'contractNo', message: t('customers.contracts.errors.numberTaken') }],
    });
  if (!Array.isArray(details.fields)) return err;
  const o = details.overlaps;
  const fields = details.fields.map((f) => {
    const name = typeof f.field === 'string' ? f.field.replace(/^body\./, '') : '';
    if (name === 'validFrom' && o && typeof o.contractNo === 'string')
      return {
        ...f,
        message: t('customers.contracts.errors.overlaps', {
          contractNo: o.contractNo,
          from: o.validFrom,
          to: typeof o.validTo === 'string' ? o.validTo : t('customers.contracts.openEnded'),
        }),
      };
    if (name === 'validTo' && f.message === 'must not be before validFrom')
      return { ...f, message: t('customers.contracts.errors.endBeforeStart') };
    return f;
  });
  return new ApiError(err.status, err.code, err.message, { ...details, fields });
}
