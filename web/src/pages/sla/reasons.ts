// The SLA's reasons (why a policy row applies, why a deadline was computed again) in the user's
// language, from the code and parameters the API sends beside its English sentence. Pure: the
// screens pass their t. A code this console does not know shows the server's English. Data in the
// sentence (row codes, contract numbers, codes without a name) is set between the Unicode isolate
// marks U+2068 … U+2069: ReasonText shows it as data (translate="no"), plainReason drops the marks.
import type { RequestSla } from '../../api/models.ts';
import { durationParts } from '../requests/sla-clock.ts';

/** A reason as the API gives it (`reasons`, `whyCoded`, `reasonCoded`). */
export type SlaReason = RequestSla['reasons'][number];

/** i18next's t with a key built at run time (codes and values come from the server). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

// Match values the console names (客户等级 localB → 本地B …); others are codes as typed.
const VALUE_TEXTS: Record<string, string> = {
  tier: 'sla.policies.tiers',
  kind: 'sla.policies.kinds',
  priority: 'sla.policies.priorities',
  locationClass: 'sla.policies.locationClasses',
};

const OPEN = '\u2068';
const CLOSE = '\u2069';
/** A value from the data, marked as such in the sentence. */
export const data = (value: string): string => `${OPEN}${value}${CLOSE}`;
/** The sentence without its data marks (a file, a title). */
export const plainReason = (text: string): string => text.replace(/[\u2068\u2069]/g, '');
/** The sentence in pieces: words, and data (odd pieces). */
export const reasonPieces = (text: string): string[] => text.split(/[\u2068\u2069]/);

/** A code by its name in the console's words, or as data when it has none (a unit's calendar …). */
function named(t: Translate, group: string, value: string): string {
  const name = t(`${group}.${value}`, { defaultValue: '' });
  return name ? name : data(value);
}

/** "3个工作日" / "3 working days"; a duration it cannot read as written. */
export function durationText(t: Translate, duration: string): string {
  const d = durationParts(duration);
  return d ? t(`sla.clocks.durations.${d.unit}`, { count: d.count }) : data(duration);
}

/** "12小时（7×24小时）": a duration on its calendar (a unit's calendar by its code). */
function limitText(t: Translate, p: { duration: string; calendar: string; counting?: string | null }) {
  const calendar = named(t, 'sla.clocks.calendars', p.calendar);
  return t(p.counting === 'civil-code' ? 'sla.reasons.limitCivil' : 'sla.reasons.limit', {
    duration: durationText(t, p.duration),
    calendar,
  });
}

// The order a row's conditions are read in (the server's, most specific first).
const MATCH_FIELDS = [
  'contractId',
  'productCode',
  'productFamily',
  'tier',
  'kind',
  'category',
  'priority',
  'locationClass',
] as const;

function matchText(t: Translate, match: Partial<Record<(typeof MATCH_FIELDS)[number], string>>): string {
  const parts = MATCH_FIELDS.flatMap((field) => {
    const value = match[field];
    const group = VALUE_TEXTS[field];
    return value === undefined
      ? []
      : [
          t('sla.reasons.matchField', {
            field: named(t, 'sla.policies.match', field),
            value: group ? named(t, group, value) : data(value),
          }),
        ];
  });
  return parts.length ? parts.join(t('sla.reasons.fieldSeparator')) : t('sla.reasons.matchAll');
}

/** A fact's value before and after a change ("本地B", "农村"), or 无. */
function factText(t: Translate, group: string, value: string | null): string {
  return value === null ? t('sla.reasons.none') : named(t, group, value);
}

function policiesText(t: Translate, policies: readonly string[]): string {
  return policies.length
    ? t('sla.reasons.policies', { rows: policies.map(data).join(t('sla.reasons.fieldSeparator')) })
    : '';
}

/**
 * A reason in the user's language (data marked: see above); `fallback` (the server's English) for
 * a code it does not know.
 */
export function slaReasonText(r: SlaReason, t: Translate, fallback = ''): string {
  switch (r.code) {
    case 'rows_matching':
      return t('sla.reasons.rowsMatching', {
        rows: r.params.rows
          .map((x) =>
            t('sla.reasons.rowMatch', {
              row: data(x.row),
              level: named(t, 'sla.policies.levels', x.level),
              match: matchText(t, x.match),
            }),
          )
          .join(t('sla.reasons.listSeparator')),
      });
    case 'no_row_matches':
      return t('sla.reasons.noRowMatches');
    case 'target_row': {
      const p = r.params;
      let s = t('sla.reasons.targetRow', {
        target: named(t, 'sla.policies.targets', p.target),
        limit: limitText(t, p),
        row: data(p.row),
        level: named(t, 'sla.policies.levels', p.level),
      });
      if (p.tiedWith) s += t('sla.reasons.tiedWith', { row: data(p.tiedWith) });
      if (p.overrides.length)
        s += t('sla.reasons.overrides', {
          rows: p.overrides
            .map((o) =>
              t('sla.reasons.override', { row: data(o.row), duration: durationText(t, o.duration) }),
            )
            .join(t('sla.reasons.fieldSeparator')),
        });
      return s;
    }
    case 'row_inactive':
      return t('sla.reasons.rowInactive', { row: data(r.params.row) });
    case 'tier_changed':
      return t('sla.reasons.tierChanged', {
        from: factText(t, 'sla.policies.tiers', r.params.from),
        to: factText(t, 'sla.policies.tiers', r.params.to),
      });
    case 'location_class_changed':
      return t('sla.reasons.locationClassChanged', {
        from: factText(t, 'sla.policies.locationClasses', r.params.from),
        to: factText(t, 'sla.policies.locationClasses', r.params.to),
      });
    case 'contract_changed':
      return t('sla.reasons.contractChanged', {
        contractNo: data(r.params.contractNo),
        contractId: r.params.contractId === null ? t('sla.reasons.none') : data(r.params.contractId),
      });
    case 'reopened':
      return t('sla.reasons.reopened');
    case 'reopened_recomputed':
      return t('sla.reasons.reopenedRecomputed');
    case 'policy_changed':
      return (
        t(`sla.reasons.policyChanged.${r.params.change}`, {
          row: data(r.params.row),
          version: r.params.version ?? '?',
        }) + policiesText(t, r.params.policies)
      );
    case 'text':
      // Free text the server was given (a command, a test): as written.
      return data(r.params.text) + policiesText(t, r.params.policies);
    default:
      // Every code the API types know is handled (a new one is a type error once they are regenerated).
      return ((_unknown: never) => data(fallback))(r);
  }
}
