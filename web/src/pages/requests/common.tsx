import './texts.ts';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import type { RequestChannel, RequestKind, RequestPriority, RequestStatus } from '../../api/models.ts';
import { Data } from '../../components/Data.tsx';
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
