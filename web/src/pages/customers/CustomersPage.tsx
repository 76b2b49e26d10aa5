import './texts.ts';
import { DownloadOutlined, ImportOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Dropdown,
  Flex,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type InputRef,
  type TableColumnsType,
} from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { CustomerListItem, CustomerMatch, CustomerQuery } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { LoadMoreFooter, pagedTableProps } from '../../components/LoadMore.tsx';
import { OrgUnitSelect, unitName, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { KeyHint } from '../../components/KeyHint.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { useShortcutTarget } from '../../components/Shortcuts.tsx';
import { STAFF_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';
import { withoutEmpty } from '../../lib/query.ts';
import { useKeysetList } from '../../lib/useKeysetList.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import { StatusTag, useCodeLabel } from './common.tsx';
import { NewCustomerModal, useCanManage } from './CustomerForms.tsx';

const PAGE = 50;
const KINDS = ['individual', 'enterprise'] as const;
const TIERS = ['group', 'province', 'localA', 'localB', 'localC'] as const;
const VALUE_LEVELS = ['diamond', 'platinum', 'gold', 'silver', 'standard'] as const;
const STATUSES = ['active', 'suspended', 'closed', 'erased'] as const;

type Filters = Pick<CustomerQuery, 'kind' | 'tier' | 'valueLevel' | 'status' | 'orgUnitId' | 'tag'>;

/** The list's code filters: the query parameter, where its labels are, and its values. */
const CODE_FILTERS: ReadonlyArray<
  [keyof Filters & ('kind' | 'tier' | 'valueLevel' | 'status'), string, readonly string[]]
> = [
  ['kind', 'kinds', KINDS],
  ['tier', 'tiers', TIERS],
  ['valueLevel', 'valueLevels', VALUE_LEVELS],
  ['status', 'statuses', STATUSES],
];

/** 客户查找: one box for any identifier or a name, and the filtered list of customers in scope. */
export default function CustomersPage() {
  const { t } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  // The box follows the address when it changes from outside (back button, agent workspace).
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setText(q);
  }
  const navigate = useNavigate();
  const canCreate = useCanManage();
  const [creating, setCreating] = useState(false);
  const searchRef = useRef<InputRef>(null);
  useShortcutTarget('searchCustomer', () => searchRef.current?.focus());
  const search = (value: string) => {
    const next = value.trim();
    setText(next);
    setParams(next ? { q: next } : {});
  };

  return (
    <PageFrame
      testId="customers-page"
      title={t('customers.title')}
      subtitle={t('customers.subtitle')}
      extra={
        <>
          {canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="customer-new"
              onClick={() => setCreating(true)}
            >
              {t('customers.edit.newCustomer')}
            </Button>
          ) : null}
          {hasPermission(user, 'customer.import') ? (
            <Link to="/customers/import">
              <Button icon={<ImportOutlined />} data-testid="customers-import">
                {t('customers.import.button')}
              </Button>
            </Link>
          ) : null}
        </>
      }
    >
      {creating ? (
        <NewCustomerModal
          onClose={() => setCreating(false)}
          onCreated={(id) => navigate(`/customers/${id}`)}
        />
      ) : null}
      <Input.Search
        ref={searchRef}
        data-testid="customer-search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={search}
        placeholder={t('customers.search.placeholder')}
        enterButton={
          <>
            {t('customers.search.button')}
            <KeyHint>{shortcutLabel(STAFF_SHORTCUTS, 'searchCustomer')}</KeyHint>
          </>
        }
        allowClear
        autoFocus
        size="large"
        maxLength={100}
        style={{ maxWidth: 720, marginBottom: 16 }}
      />
      {q ? <SearchResults q={q} onBack={() => search('')} /> : <CustomerList />}
    </PageFrame>
  );
}

/** Columns both tables share: who the customer is, masked as the API sends it. */
function useColumns(): TableColumnsType<CustomerListItem> {
  const { t, i18n } = useTranslation();
  const label = useCodeLabel();
  const units = useOrgUnits();
  const unitById = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u])), [units.data]);
  return [
    {
      title: t('customers.fields.customerNo'),
      dataIndex: 'customerNo',
      width: 130,
      render: (no: string, c) => (
        <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()}>
          {no}
        </Link>
      ),
    },
    { title: t('customers.fields.name'), dataIndex: 'name', ellipsis: true },
    {
      title: t('customers.fields.kind'),
      dataIndex: 'kind',
      width: 100,
      render: (k: string) => label('kinds', k),
    },
    {
      title: t('customers.fields.tier'),
      dataIndex: 'tier',
      width: 90,
      render: (k: string | null) => label('tiers', k),
    },
    {
      title: t('customers.fields.valueLevel'),
      dataIndex: 'valueLevel',
      width: 90,
      render: (k: string | null) => label('valueLevels', k),
    },
    {
      title: t('customers.fields.phone'),
      dataIndex: 'phone',
      width: 140,
      render: (p: string | null) => p ?? t('common.none'),
    },
    {
      title: t('customers.fields.orgUnit'),
      dataIndex: 'orgUnitId',
      ellipsis: true,
      render: (id: string) => {
        const unit = unitById.get(id);
        return unit ? unitName(unit, i18n.language) : t('common.none');
      },
    },
    {
      title: t('customers.fields.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: string) => <StatusTag status={s} />,
    },
  ];
}

/** Opening a row: the customer's 360 view (the number in each row is also a link, for the keyboard). */
function useRowOpen() {
  const navigate = useNavigate();
  return (c: { id: string }) => ({
    onClick: () => navigate(`/customers/${c.id}`),
    style: { cursor: 'pointer' },
  });
}

function SearchResults(props: { q: string; onBack: () => void }) {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const columns = useColumns();
  const onRow = useRowOpen();
  const found = useLoad(
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/customers/search', { params: { query: { q: props.q, limit: 50 } }, signal }),
        )
      ).items,
    props.q,
  );
  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text strong>{t('customers.search.results', { q: props.q })}</Typography.Text>
        <Button type="link" onClick={props.onBack}>
          {t('customers.search.back')}
        </Button>
      </Flex>
      {found.error && !found.data ? (
        <ErrorResult error={found.error} onRetry={found.reload} />
      ) : (
        <Table<CustomerMatch>
          data-testid="customer-results"
          rowKey="id"
          size="middle"
          loading={found.loading}
          dataSource={found.data ?? []}
          pagination={false}
          scroll={{ x: 960 }}
          onRow={onRow}
          locale={{
            emptyText: found.loading ? (
              <div style={{ height: 96 }} />
            ) : (
              t('customers.search.noResults', { q: props.q })
            ),
          }}
          columns={[
            ...(columns as TableColumnsType<CustomerMatch>),
            {
              title: t('customers.search.matchedBy'),
              dataIndex: 'matchedBy',
              width: 140,
              render: (kinds: CustomerMatch['matchedBy']) => (
                <Space size={4} wrap>
                  {kinds.map((k) => (
                    <Tag key={k} color="blue" data-testid={`matched-${k}`}>
                      {label('matched', k)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

/** The export of the list as filtered (the cookie session authenticates the download). */
function exportHref(filters: Filters, format: 'csv' | 'xlsx'): string {
  const query = new URLSearchParams({ ...(withoutEmpty(filters) as Record<string, string>), format });
  return `/api/v1/customers/export?${query.toString()}`;
}

function CustomerList() {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const units = useOrgUnits();
  const columns = useColumns();
  const onRow = useRowOpen();
  const actionError = useActionError();
  const [filters, setFilters] = useState<Filters>({});
  const list = useKeysetList(
    (after, signal) =>
      ok(
        api.GET('/api/v1/customers', {
          params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(after ? { after } : {}) } },
          signal,
        }),
      ),
    JSON.stringify(filters),
    actionError,
  );
  const set =
    <K extends keyof Filters>(k: K) =>
    (v: Filters[K] | undefined) =>
      setFilters((f) => ({ ...f, [k]: v || undefined }));
  const [tag, setTag] = useState('');

  return (
    <>
      <Flex wrap gap={8} style={{ marginBottom: 16 }} data-testid="customer-filters">
        {CODE_FILTERS.map(([key, group, codes]) => (
          <Select
            key={key}
            allowClear
            placeholder={t(`customers.filters.${key}`)}
            style={{ width: 140 }}
            value={filters[key]}
            onChange={(v?: string) => setFilters((f) => ({ ...f, [key]: v || undefined }))}
            options={codes.map((c) => ({ value: c, label: label(group, c) }))}
            data-testid={`filter-${key}`}
          />
        ))}
        <div style={{ width: 240 }}>
          <OrgUnitSelect
            units={units.data}
            allowClear
            placeholder={t('customers.filters.orgUnit')}
            value={filters.orgUnitId}
            onChange={set('orgUnitId')}
          />
        </div>
        <Input.Search
          allowClear
          placeholder={t('customers.filters.tag')}
          style={{ width: 160 }}
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onSearch={(v) => set('tag')(v.trim())}
        />
        <Button
          onClick={() => {
            setTag('');
            setFilters({});
          }}
        >
          {t('customers.filters.reset')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          {t('common.reload')}
        </Button>
        {/* The server masks, caps (10 000 rows), access-logs and audits every export. */}
        <Dropdown
          menu={{
            items: (['csv', 'xlsx'] as const).map((format) => ({
              key: format,
              label: (
                <a href={exportHref(filters, format)} download data-testid={`customer-export-${format}`}>
                  {t(format === 'csv' ? 'customers.list.exportCsv' : 'customers.list.exportXlsx')}
                </a>
              ),
            })),
          }}
        >
          <Button icon={<DownloadOutlined />} data-testid="customer-export">
            {t('customers.list.export')}
          </Button>
        </Dropdown>
      </Flex>
      {list.error && !list.loaded ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        <>
          <Table<CustomerListItem>
            data-testid="customer-table"
            rowKey="id"
            size="middle"
            {...pagedTableProps(list, t('customers.list.empty'))}
            pagination={false}
            scroll={{ x: 960 }}
            onRow={onRow}
            columns={columns}
          />
          <LoadMoreFooter list={list} testId="customer-load-more" />
        </>
      )}
    </>
  );
}
