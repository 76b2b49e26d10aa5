/** The incident form's pure parts: what the form holds, what a save sends, which moves to offer. */
import { allOf } from '../../lib/enum.ts';
import type { Incident, IncidentChange, IncidentState, NewIncident } from './models.ts';

// The register's enums come from the API types (generated from the server's schemas): a value the
// server adds or drops fails the type check here until the form follows.
export const CATEGORIES = allOf<NewIncident['category']>()(['leak', 'tampering', 'loss', 'other']);
export const SEVERITIES = allOf<NonNullable<NewIncident['severity']>>()([
  'minor',
  'significant',
  'major',
  'critical',
]);
export const DATA_KINDS = allOf<NonNullable<NewIncident['dataKinds']>[number]>()([
  'name',
  'phone',
  'id_number',
  'address',
  'email',
  'account',
  'billing',
  'service_usage',
  'location',
  'credentials',
  'other',
]);
export const INCIDENT_STATES = allOf<IncidentState>()(['open', 'assessed', 'notified', 'closed']);

/** The moves the register allows from each state (the server checks them again). */
export const NEXT_STATES: Record<IncidentState, readonly IncidentState[]> = {
  open: ['assessed', 'closed'],
  assessed: ['notified', 'closed'],
  notified: ['closed'],
  closed: [],
};

/** What the form edits; times as ISO strings (the form converts its pickers' values). */
export interface IncidentFormValues {
  title: string;
  description: string;
  category: NewIncident['category'];
  discoveredAt: string;
  occurredAt: string | null;
  dataKinds: NonNullable<NewIncident['dataKinds']>;
  estimatedAffected: number | null;
  severity: NonNullable<NewIncident['severity']> | null;
  cause: string;
  harm: string;
  measures: string;
  advice: string;
  decidedBy: string;
  notifyIndividuals: boolean;
  noNoticeReason: string;
}

const TEXTS = ['cause', 'harm', 'measures', 'advice', 'decidedBy', 'noNoticeReason'] as const;

export function formValuesOf(i: Incident): IncidentFormValues {
  return {
    title: i.title,
    description: i.description,
    category: i.category,
    discoveredAt: i.discoveredAt,
    occurredAt: i.occurredAt,
    dataKinds: [...i.dataKinds],
    estimatedAffected: i.estimatedAffected,
    severity: i.severity,
    cause: i.cause ?? '',
    harm: i.harm ?? '',
    measures: i.measures ?? '',
    advice: i.advice ?? '',
    decidedBy: i.decidedBy ?? '',
    notifyIndividuals: i.notifyIndividuals,
    noNoticeReason: i.noNoticeReason ?? '',
  };
}

const text = (v: string | undefined | null) => (v ?? '').trim();

/** A new incident's body: empty optional fields left out. */
export function createBody(v: IncidentFormValues): NewIncident {
  const body: NewIncident = {
    title: v.title.trim(),
    description: v.description.trim(),
    category: v.category,
    discoveredAt: v.discoveredAt,
    notifyIndividuals: v.notifyIndividuals,
  };
  if (v.occurredAt) body.occurredAt = v.occurredAt;
  if (v.dataKinds.length) body.dataKinds = v.dataKinds;
  if (v.estimatedAffected !== null && v.estimatedAffected !== undefined)
    body.estimatedAffected = v.estimatedAffected;
  if (v.severity) body.severity = v.severity;
  for (const k of TEXTS) if (text(v[k])) body[k] = text(v[k]);
  return body;
}

/**
 * The PATCH body: only the fields that changed (so text shown masked is never written back
 * unless edited), with the version read; undefined when nothing changed.
 */
export function changeBody(original: Incident, v: IncidentFormValues): IncidentChange | undefined {
  const before = formValuesOf(original);
  const body: IncidentChange = { version: original.version };
  let changed = false;
  const set = <K extends keyof IncidentChange>(k: K, value: IncidentChange[K]) => {
    body[k] = value;
    changed = true;
  };
  if (v.title.trim() !== before.title) set('title', v.title.trim());
  if (v.description.trim() !== before.description) set('description', v.description.trim());
  if (v.category !== before.category) set('category', v.category);
  if (v.discoveredAt !== before.discoveredAt) set('discoveredAt', v.discoveredAt);
  if ((v.occurredAt ?? null) !== before.occurredAt) set('occurredAt', v.occurredAt ?? null);
  if ([...v.dataKinds].sort().join() !== [...before.dataKinds].sort().join()) set('dataKinds', v.dataKinds);
  if ((v.estimatedAffected ?? null) !== before.estimatedAffected)
    set('estimatedAffected', v.estimatedAffected ?? null);
  if ((v.severity ?? null) !== before.severity) set('severity', v.severity ?? null);
  if (v.notifyIndividuals !== before.notifyIndividuals) set('notifyIndividuals', v.notifyIndividuals);
  for (const k of TEXTS) if (text(v[k]) !== before[k]) set(k, text(v[k]) || null);
  return changed ? body : undefined;
}

/** Customer numbers pasted one per line (or separated by commas, spaces, semicolons): unique, in order. */
export function parseCustomerNos(pasted: string): string[] {
  return [
    ...new Set(
      pasted
        .split(/[\s,;，；、]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
