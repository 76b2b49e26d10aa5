import './texts.ts';
import { DownloadOutlined, ImportOutlined } from '@ant-design/icons';
import {
  Button,
  Dropdown,
  Flex,
  Input,
  Select,
  Space,
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
import { queryKeys, useKeysetQuery, useListQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { OrgUnitSelect, unitName, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { KeyHint } from '../../components/KeyHint.tsx';
import { useShortcutTarget } from '../../components/Shortcuts.tsx';
import { STAFF_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';
import { withoutEmpty } from '../../lib/query.ts';
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
  const [filters, setFilters] = useState<Filters>({});
  // One of two lists: what the search box found, or the filtered list of customers in scope.
  const found = useListQuery<CustomerMatch>(
    queryKeys.customerSearch(q),
    async (signal) =>
      (await ok(api.GET('/api/v1/customers/search', { params: { query: { q, limit: 50 } }, signal }))).items,
    { enabled: Boolean(q) },
  );
  const list = useKeysetQuery(
    queryKeys.customers(filters),
    (after, signal) =>
      ok(
        api.GET('/api/v1/customers', {
          params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(after ? { after } : {}) } },
          signal,
        }),
      ),
    { enabled: !q },
  );
  const columns = useColumns();
  const matchedBy = useMatchedByColumn();
  const onRow = useRowOpen();

  return (
    <ListPage<CustomerListItem>
      testId="customers-page"
      title={t('customers.title')}
      subtitle={t('customers.subtitle')}
      list={q ? found : list}
      newButton={
        canCreate
          ? {
              label: t('customers.edit.newCustomer'),
              onClick: () => setCreating(true),
              testId: 'customer-new',
            }
          : undefined
      }
      actions={
        hasPermission(user, 'customer.import') ? (
          <Link to="/customers/import">
            <Button icon={<ImportOutlined />} data-testid="customers-import">
              {t('customers.import.button')}
            </Button>
          </Link>
        ) : null
      }
      header={
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
      }
      toolbar={
        q ? (
          <Flex justify="space-between" align="center" wrap gap={8} style={{ width: '100%' }}>
            <Typography.Text strong>{t('customers.search.results', { q })}</Typography.Text>
            <Button type="link" onClick={() => search('')}>
              {t('customers.search.back')}
            </Button>
          </Flex>
        ) : (
          <CustomerFilters filters={filters} onChange={setFilters} />
        )
      }
      emptyText={q ? t('customers.search.noResults', { q }) : t('customers.list.empty')}
      loadMoreTestId="customer-load-more"
      table={{
        'data-testid': q ? 'customer-results' : 'customer-table',
        rowKey: 'id',
        scroll: { x: 960 },
        onRow,
        columns: q ? [...columns, matchedBy] : columns,
      }}
    >
      {creating ? (
        <NewCustomerModal
          onClose={() => setCreating(false)}
          onCreated={(id) => navigate(`/customers/${id}`)}
        />
      ) : null}
    </ListPage>
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

/** In search results: which identifier matched (name, phone's last four digits, number…). */
function useMatchedByColumn(): TableColumnsType<CustomerListItem>[number] {
  const { t } = useTranslation();
  const label = useCodeLabel();
  return {
    title: t('customers.search.matchedBy'),
    key: 'matchedBy',
    width: 140,
    render: (_: unknown, c: CustomerListItem) => (
      <Space size={4} wrap>
        {((c as CustomerMatch).matchedBy ?? []).map((k) => (
          <Tag key={k} color="blue" data-testid={`matched-${k}`}>
            {label('matched', k)}
          </Tag>
        ))}
      </Space>
    ),
  };
}

/** The export of the list as filtered (the cookie session authenticates the download). */
function exportHref(filters: Filters, format: 'csv' | 'xlsx'): string {
  const query = new URLSearchParams({ ...(withoutEmpty(filters) as Record<string, string>), format });
  return `/api/v1/customers/export?${query.toString()}`;
}

/** The list's filters, its reload and its export (the export follows the filters). */
function CustomerFilters({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const units = useOrgUnits();
  const setFilters = (change: (f: Filters) => Filters) => onChange(change(filters));
  const set =
    <K extends keyof Filters>(k: K) =>
    (v: Filters[K] | undefined) =>
      setFilters((f) => ({ ...f, [k]: v || undefined }));
  const [tag, setTag] = useState(filters.tag ?? '');

  return (
    <Flex wrap gap={8} data-testid="customer-filters">
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
          onChange({});
        }}
      >
        {t('customers.filters.reset')}
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
  );
}
