/**
 * Request numbers agents read out: the intake unit's province code, the China calendar date and a
 * sequence number — `JS20261207000123`. The sequence is a database SEQUENCE (no counter row).
 */

/** The province part of an org unit code: `CT.JS.10000` → `JS`; the national root → `CN`. */
export function provinceCode(unitCode: string): string {
  const parts = unitCode.toUpperCase().split('.');
  const code = (parts.length > 1 ? parts[1]! : 'CN').replace(/[^A-Z0-9]/g, '');
  return code.slice(0, 4) || 'CN';
}

/** yyyymmdd in China time (UTC+8, no daylight saving). */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

export function requestNumber(unitCode: string, now: Date, sequence: number | string): string {
  return `${provinceCode(unitCode)}${chinaDate(now)}${String(sequence).padStart(6, '0')}`;
}
