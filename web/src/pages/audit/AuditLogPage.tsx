import '../customers/texts.ts';
import { Button, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { ApiPaths, ResponseOf } from '../../api/paths.ts';
import { queryKeys, useKeysetQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { withoutEmpty } from '../../lib/query.ts';

type AuditEntry = ResponseOf<'/api/v1/audit-log', 'get'>['items'][number];
type AuditQuery = NonNullable<
  ApiPaths['/api/v1/audit-log']['get'] extends { parameters: { query?: infer Q } } ? Q : never
>;
type Filters = Pick<AuditQuery, 'action' | 'entityType' | 'entityId' | 'actorId'>;

const PAGE = 50;
/** The text filters the API takes, in the toolbar's order. */
const TEXT_FILTERS = ['action', 'entityType', 'entityId'] as const;

/**
 * 审计日志: the audit log in the reader's scope, newest first, read-only; details as the API
 * sends them (typed text masked). Filters are the API's: action, entity, and an actor picked
 * from a row.
 */
export default function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const { fmt } = usePrefs();
  const [filters, setFilters] = useState<Filters>({});
  const [actorLogin, setActorLogin] = useState<string>();
  const list = useKeysetQuery(queryKeys.auditLog(filters), (cursor, signal) =>
    ok(
      api.GET('/api/v1/audit-log', {
        params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(cursor ? { before: cursor } : {}) } },
        signal,
      }),
    ).then((p) => ({ items: p.items, nextCursor: p.nextBefore })),
  );
  const set = (key: keyof Filters, value: string | undefined) =>
    setFilters((f) => ({ ...f, [key]: value?.trim() || undefined }));

  return (
    <ListPage<AuditEntry>
      testId="workspace-audit"
      title={t('auditLog.title')}
      subtitle={t('auditLog.subtitle')}
      list={list}
      toolbar={
        <>
          {TEXT_FILTERS.map((key) => (
            <Input.Search
              key={key}
              allowClear
              placeholder={t(`auditLog.filters.${key}`)}
              style={{ width: 220 }}
              onSearch={(v) => set(key, v)}
              data-testid={`audit-filter-${key}`}
            />
          ))}
          {filters.actorId ? (
            <Tag
              closable
              onClose={() => {
                set('actorId', undefined);
                setActorLogin(undefined);
              }}
              data-testid="audit-filter-actor"
            >
              {t('auditLog.filters.actor')}: <Data>{actorLogin}</Data>
            </Tag>
          ) : null}
        </>
      }
      emptyText={t('auditLog.empty')}
      loadMoreTestId="audit-load-more"
      table={{
        'data-testid': 'audit-table',
        rowKey: 'seq',
        scroll: { x: 1100 },
        columns: [
          {
            title: t('auditLog.fields.occurredAt'),
            dataIndex: 'occurredAt',
            width: 170,
            render: (v: string) => fmt.dateTime(v),
          },
          {
            title: t('auditLog.fields.actor'),
            key: 'actor',
            width: 160,
            render: (_, e) =>
              e.actorId && e.actorLogin ? (
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0 }}
                  title={t('auditLog.onlyThisActor')}
                  onClick={() => {
                    set('actorId', e.actorId ?? undefined);
                    setActorLogin(e.actorLogin ?? undefined);
                  }}
                >
                  <Data>{e.actorLogin}</Data>
                </Button>
              ) : (
                t(`auditLog.actorKinds.${e.actorKind}`)
              ),
          },
          {
            title: t('auditLog.fields.action'),
            dataIndex: 'action',
            width: 220,
            render: (a: string) =>
              // Customer actions have names; any other action shows as its code (data).
              i18n.exists(`customers.actions.${a}`) ? (
                tDynamic(t, `customers.actions.${a}`, a)
              ) : (
                <Data>{a}</Data>
              ),
          },
          {
            title: t('auditLog.fields.entity'),
            key: 'entity',
            width: 220,
            render: (_, e) => (
              <Typography.Text type="secondary">
                <Data>{e.entityId ? `${e.entityType} · ${e.entityId}` : e.entityType}</Data>
              </Typography.Text>
            ),
          },
          {
            title: t('auditLog.fields.details'),
            dataIndex: 'details',
            render: (d: AuditEntry['details']) =>
              Object.keys(d).length ? (
                <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  <Data>{JSON.stringify(d)}</Data>
                </Typography.Text>
              ) : (
                t('common.none')
              ),
          },
          {
            title: t('auditLog.fields.ip'),
            dataIndex: 'ip',
            width: 130,
            render: (ip: string | null) => (ip ? <Data>{ip}</Data> : t('common.none')),
          },
        ],
      }}
    />
  );
}
