/**
 * Why the SLA says what it says, as machine-readable reasons (pure, no I/O): a code and its
 * parameters, which the console words in the user's language (zh-CN first). The English sentences
 * the API has always given (`explanation`, `why`, recompute reasons) are made from these, so both
 * forms say the same thing. Recompute reasons are stored as their English text
 * (`sla_clock_changes.reason`, `sla_clocks.recompute_reason`): `parseRecomputeReason` reads a stored
 * text back into its reason; a text no producer here wrote is `text`, kept as written.
 */
import type { Level, PolicyMatch } from './policy.ts';
import { TARGET_NAMES, type TargetType } from './targets.ts';

/** The match fields in the order a row's match is described. */
export const MATCH_FIELDS = [
  'contractId',
  'productCode',
  'productFamily',
  'tier',
  'kind',
  'category',
  'priority',
  'locationClass',
] as const satisfies ReadonlyArray<keyof PolicyMatch>;

export const POLICY_CHANGES = ['created', 'updated', 'deactivated', 'reactivated'] as const;
export type PolicyChange = (typeof POLICY_CHANGES)[number];

export type SlaReason =
  /** The rows that match the request, most specific first. */
  | { code: 'rows_matching'; params: { rows: Array<{ row: string; level: Level; match: PolicyMatch }> } }
  | { code: 'no_row_matches'; params: Record<string, never> }
  /** Which row gives a target and why (the most specific that sets it), ties and rows overridden. */
  | {
      code: 'target_row';
      params: {
        target: TargetType;
        duration: string;
        calendar: string;
        counting: 'civil-code' | null;
        row: string;
        level: Level;
        tiedWith: string | null;
        overrides: Array<{ row: string; duration: string }>;
      };
    }
  /** A clock's row is no longer active (a recompute has not reached it yet). */
  | { code: 'row_inactive'; params: { row: string } }
  // Why deadlines were computed again.
  | { code: 'tier_changed'; params: { from: string | null; to: string | null } }
  | { code: 'location_class_changed'; params: { from: string | null; to: string | null } }
  | { code: 'contract_changed'; params: { contractNo: string; contractId: string | null } }
  /** 重开: restoration and resolution count on from the original report. */
  | { code: 'reopened'; params: Record<string, never> }
  /** 重开: the reopened request's facts and the policies as they are now. */
  | { code: 'reopened_recomputed'; params: Record<string, never> }
  | {
      code: 'policy_changed';
      params: { row: string; change: PolicyChange; version: number | null; policies: string[] };
    }
  /** A reason written as free text (a test, a command); `policies`: the rows the run looked at. */
  | { code: 'text'; params: { text: string; policies: string[] } };

export type SlaReasonCode = SlaReason['code'];
export const SLA_REASON_CODES = [
  'rows_matching',
  'no_row_matches',
  'target_row',
  'row_inactive',
  'tier_changed',
  'location_class_changed',
  'contract_changed',
  'reopened',
  'reopened_recomputed',
  'policy_changed',
  'text',
] as const satisfies readonly SlaReasonCode[];

const describeMatch = (m: PolicyMatch) =>
  MATCH_FIELDS.filter((f) => m[f] !== undefined)
    .map((f) => `${f}=${m[f]}`)
    .join(', ') || 'everything';

const REOPENED = 'request reopened (重开): counts on from the original start';
const REOPENED_RECOMPUTED = 'request reopened (重开): current facts and policies';
const policiesSuffix = (codes: readonly string[]) => (codes.length ? ` (policies ${codes.join(', ')})` : '');

/** The English sentence of a reason, as the API's string fields give it. */
export function reasonText(r: SlaReason): string {
  switch (r.code) {
    case 'rows_matching':
      return `matching rows, most specific first (contract > product > family > tier > kind > global, then the more narrowing fields): ${r.params.rows
        .map((x) => `${x.row} (${x.level}: ${describeMatch(x.match)})`)
        .join('; ')}`;
    case 'no_row_matches':
      return 'no row matches';
    case 'target_row': {
      const p = r.params;
      let s = `${p.target} (${TARGET_NAMES[p.target]}) ${p.duration} on ${p.calendar}${p.counting ? ` (${p.counting})` : ''}: row ${p.row}, the most specific (${p.level}) that sets it`;
      if (p.tiedWith) s += `; tied with ${p.tiedWith}, listed earlier wins`;
      if (p.overrides.length)
        s += `; overrides ${p.overrides.map((o) => `${o.row} ${o.duration}`).join(', ')}`;
      return s;
    }
    case 'row_inactive':
      return `row ${r.params.row} (no longer active)`;
    case 'tier_changed':
      return `customer tier changed: ${r.params.from ?? 'none'} → ${r.params.to ?? 'none'}`;
    case 'location_class_changed':
      return `location class of the service changed: ${r.params.from ?? 'none'} → ${r.params.to ?? 'none'}`;
    case 'contract_changed':
      return `customer contract ${r.params.contractNo} changed: the request's contract is ${r.params.contractId ?? 'none'}`;
    case 'reopened':
      return REOPENED;
    case 'reopened_recomputed':
      return REOPENED_RECOMPUTED;
    case 'policy_changed': {
      const p = r.params;
      const what = p.change === 'created' ? 'created' : `${p.change} (version ${p.version ?? '?'})`;
      return `policy ${p.row} ${what}${policiesSuffix(p.policies)}`;
    }
    case 'text':
      return `${r.params.text}${policiesSuffix(r.params.policies)}`;
  }
}

const orNone = (s: string): string | null => (s === 'none' ? null : s);

/**
 * A stored recompute reason read back into its reason (the inverse of `reasonText` for the
 * recompute codes). Never fails: a text it does not know is `text`.
 */
export function parseRecomputeReason(stored: string): SlaReason {
  const r = readReason(stored);
  // Only a reading that says exactly the stored text (`policies ` with nothing, `version 01` are text).
  return reasonText(r) === stored ? r : { code: 'text', params: { text: stored, policies: [] } };
}

function readReason(stored: string): SlaReason {
  // The policy recompute appends the rows it looked at (policy-recompute.ts).
  const suffix = /^(.*) \(policies ([^()]*)\)$/s.exec(stored);
  const base = suffix ? suffix[1]! : stored;
  const policies = suffix ? suffix[2]!.split(', ').filter(Boolean) : [];
  let m: RegExpExecArray | null;
  if (!suffix) {
    if (base === REOPENED) return { code: 'reopened', params: {} };
    if (base === REOPENED_RECOMPUTED) return { code: 'reopened_recomputed', params: {} };
    if ((m = /^customer tier changed: (\S+) → (\S+)$/.exec(base)))
      return { code: 'tier_changed', params: { from: orNone(m[1]!), to: orNone(m[2]!) } };
    if ((m = /^location class of the service changed: (\S+) → (\S+)$/.exec(base)))
      return { code: 'location_class_changed', params: { from: orNone(m[1]!), to: orNone(m[2]!) } };
    if ((m = /^customer contract (.+) changed: the request's contract is (\S+)$/.exec(base)))
      return { code: 'contract_changed', params: { contractNo: m[1]!, contractId: orNone(m[2]!) } };
  }
  if ((m = /^policy (\S+) created$/.exec(base)))
    return { code: 'policy_changed', params: { row: m[1]!, change: 'created', version: null, policies } };
  if ((m = /^policy (\S+) (updated|deactivated|reactivated) \(version (\d+)\)$/.exec(base)))
    return {
      code: 'policy_changed',
      params: { row: m[1]!, change: m[2] as PolicyChange, version: Number(m[3]), policies },
    };
  return { code: 'text', params: { text: base, policies } };
}

/** The recompute reason a policy write announces (`sla.recompute`'s `reason`). */
export const policyChangeReason = (row: string, change: PolicyChange, version: number): string =>
  reasonText({ code: 'policy_changed', params: { row, change, version, policies: [] } });
