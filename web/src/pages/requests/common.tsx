import './texts.ts';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import type { RequestChannel, RequestKind, RequestPriority, RequestStatus } from '../../api/models.ts';
import { Data } from '../../components/Data.tsx';
import { unitName } from '../../components/OrgUnitSelect.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';

/** The values the API takes, in the order the console offers them (the API's enums). */
export const KINDS: readonly RequestKind[] = [
  'fault',
  'consultation',
  'billing',
  'complaint',
  'business_order',
  'technical_support',
  'integration',
  'suggestion',
];
export const PRIORITIES: readonly RequestPriority[] = ['urgent', 'high', 'normal', 'low'];
export const STATES: readonly RequestStatus[] = [
  'accepted',
  'triage',
  'dispatched',
  'taken',
  'in_progress',
  'suspended',
  'escalated',
  'returned',
  'resolved',
  'callback',
  'closed',
  'cancelled',
];
/** Channels an agent records at intake (portal, app and API requests arrive by themselves). */
export const AGENT_CHANNELS: readonly RequestChannel[] = [
  'hotline',
  'walk_in',
  'account_manager',
  'chat',
  'social',
  'monitoring',
  'email',
  'sms',
];

/** Text for a code the server sends (kind, status, channel …), falling back to the code. */
export function useRequestLabel() {
  const { t } = useTranslation();
  return (
    group: 'kinds' | 'states' | 'priorities' | 'channels' | 'accessNumbers' | 'actions.names',
    code: string | null | undefined,
  ): string => (code ? tDynamic(t, `requests.${group}.${code}`, code) : t('common.none'));
}

const STATUS_COLORS: Record<string, string> = {
  accepted: 'blue',
  triage: 'blue',
  dispatched: 'geekblue',
  taken: 'cyan',
  in_progress: 'processing',
  suspended: 'orange',
  escalated: 'volcano',
  returned: 'magenta',
  resolved: 'green',
  callback: 'lime',
};

export function RequestStatusTag({ status }: { status: string }) {
  const label = useRequestLabel();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="request-status">
      {label('states', status)}
    </Tag>
  );
}

export function PriorityTag({ priority }: { priority: string }) {
  const label = useRequestLabel();
  const color = priority === 'urgent' ? 'red' : priority === 'high' ? 'orange' : undefined;
  return <Tag color={color}>{label('priorities', priority)}</Tag>;
}

/** A request number as a link to its page; digits grouped so it can be read out on the phone. */
export function RequestLink({ id, number }: { id: string; number: string }) {
  return (
    <Link to={`/requests/${id}`} data-testid="request-link">
      <Data>{readableNumber(number)}</Data>
    </Link>
  );
}

/** "JS20261207000123" → "JS 20261207 000123": province, date, sequence, read out with pauses. */
export function readableNumber(number: string): string {
  const m = /^([A-Z]+)(\d{8})(\d+)$/.exec(number);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : number;
}

/** The category taxonomy (every kind's), as administrators keep it. */
export function useCategories() {
  return useApiQuery(
    queryKeys.requestCategories,
    async (signal) => (await ok(api.GET('/api/v1/service-request-categories', { signal }))).items,
  );
}

/** A unit or skill group as the API names it (`nameEn` when there is one, in English). */
export type NamedRef = { name: string; nameEn: string | null };
/** A person as the API names them: display name and unit. */
export type PersonRef = { name: string; unit: NamedRef | null };

/** A unit's or group's name in the console's language. */
export function useRefName() {
  const { i18n } = useTranslation();
  return (ref: NamedRef | null | undefined): string | null => (ref ? unitName(ref, i18n.language) : null);
}

/** A person's name and, quieter, their unit; "someone" when the API could not name them. */
export function PersonName({ person, testId }: { person: PersonRef | null | undefined; testId?: string }) {
  const { t } = useTranslation();
  const refName = useRefName();
  if (!person) return <span data-testid={testId}>{t('requests.view.someone')}</span>;
  const unit = refName(person.unit);
  return (
    <span data-testid={testId}>
      <Data>{person.name}</Data>
      {unit ? (
        <span style={{ color: 'var(--ant-color-text-secondary, #888)' }}>
          {' '}
          (<Data>{unit}</Data>)
        </span>
      ) : null}
    </span>
  );
}
