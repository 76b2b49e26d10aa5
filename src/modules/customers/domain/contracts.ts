/**
 * An enterprise's signed service agreements (服务协议 / SLA contracts), pure: which one is valid on
 * a day, and whether two overlap. A customer has at most one valid on any day, so the contract of
 * a request is never a choice. Days are China dates (YYYY-MM-DD; both ends included).
 */

export interface ContractPeriod {
  contractNo: string;
  validFrom: string;
  /** Null: open-ended. */
  validTo: string | null;
}

/** The contract valid on a day, if any. ISO dates compare as strings. */
export function contractOn<T extends ContractPeriod>(contracts: readonly T[], day: string): T | undefined {
  return contracts.find((c) => c.validFrom <= day && (c.validTo === null || day <= c.validTo));
}

/** The first other contract whose period shares a day with `c`'s (the same number is the contract itself). */
export function overlapping<T extends ContractPeriod>(
  contracts: readonly T[],
  c: ContractPeriod,
): T | undefined {
  return contracts.find(
    (o) =>
      o.contractNo !== c.contractNo &&
      (o.validTo === null || c.validFrom <= o.validTo) &&
      (c.validTo === null || o.validFrom <= c.validTo),
  );
}

const CHINA_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The China date (YYYY-MM-DD) of an instant: the day a contract is looked up for. */
export const chinaDay = (at: Date): string => CHINA_DAY.format(at);
