/**
 * Security alerts (安全告警): the pure rules — what a kind looks like, which repeats count up one
 * alert, what an alert may carry, and how its state moves. No I/O.
 */

export const ALERT_STATES = ['open', 'acknowledged', 'closed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Kinds other modules raise (documentation; any kind of the right shape is accepted). */
export const KNOWN_ALERT_KINDS = {
  'search.misses': "a user's repeated phone or ID-number search misses (probing)",
  'reveal.cap': 'a user reached the daily cap of personal-information reveals',
} as const;

const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
export const isAlertKind = (kind: string): boolean => kind.length <= 64 && KIND.test(kind);

/** China Standard Time has no daylight saving: a fixed +8 hours. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

/**
 * The de-duplication window: the calendar day in China Standard Time (what the daily reveal cap
 * counts in, and what an administrator reads as "today"). Repeats of one kind for one user on one
 * day count up the open alert; the next day, or once it is acknowledged, a new alert opens.
 */
export function alertWindow(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

export function alertDedupKey(kind: string, userId: string | null, at: Date): string {
  return `${kind}|${userId ?? '-'}|${alertWindow(at)}`;
}

/** What replaces a run of digits that could be a phone, ID or card number. */
export const REMOVED = '[removed]';

// Seven or more digits, whatever the separators between them (spaces, dashes, dots, plus signs,
// brackets), optionally a trailing X (the ID-number check character): never kept in an alert.
const DIGIT_RUN = /(?:\+\s*)?\d(?:[\s\-.+()/]*\d){6,}(?:[\s\-.+]*[Xx])?/g;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A text with every long digit run removed (ISO dates and times kept as they are). */
export function scrubText(text: string, max = 500): string {
  if (ISO_TIME.test(text)) return text;
  const scrubbed = text.replace(DIGIT_RUN, REMOVED);
  return [...scrubbed].length > max ? `${[...scrubbed].slice(0, max - 1).join('')}…` : scrubbed;
}

/**
 * An alert's detail as stored: callers pass kinds and counts (`{ misses: 12, searchKind: 'phone' }`),
 * never the values searched for or revealed. As a second line of defence every string loses its
 * long digit runs, integers of seven digits or more are dropped, and nesting and size are bounded.
 */
export function scrubDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) < 1_000_000 ? v : REMOVED;
    if (typeof v === 'string') return scrubText(v);
    if (v instanceof Date) return v.toISOString();
    if (depth >= 3) return REMOVED;
    if (Array.isArray(v)) return v.slice(0, 50).map((x) => walk(x, depth + 1));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v).slice(0, 50)) out[scrubText(k, 64)] = walk(x, depth + 1);
      return out;
    }
    return REMOVED;
  };
  return (walk(detail ?? {}, 0) as Record<string, unknown>) ?? {};
}

/** Which way an administrator may move an alert. */
export type AlertAction = 'acknowledge' | 'close';

/** The state after `action`, or a reason it is refused. */
export function nextAlertState(
  from: AlertState,
  action: AlertAction,
): { state: AlertState } | { refused: string } {
  if (action === 'acknowledge')
    return from === 'open'
      ? { state: 'acknowledged' }
      : { refused: `an alert that is ${from} cannot be acknowledged` };
  return from === 'closed' ? { refused: 'the alert is already closed' } : { state: 'closed' };
}
