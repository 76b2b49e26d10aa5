import { KeyOutlined, LinkOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Row, Select, Space, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { NewUser, OrgUnit, Role, User, UserChange, UserQuery } from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery, useKeysetQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { roleLabel } from '../../i18n/dynamic.ts';
import { withoutEmpty } from '../../lib/query.ts';
import { adminScreensFor, hasPermission } from '../../nav/workspaces.ts';
import { OrgUnitSelect, unitName, useOrgUnits, useRoles } from './common.tsx';

const STATUSES = ['active', 'disabled'] as const;
const PAGE = 50;

type Filters = Pick<UserQuery, 'orgUnitId' | 'role' | 'status' | 'q'>;

/** 用户: search and list staff, create a user, change one, reset a password. */
export default function UsersPage() {
  const { t, i18n } = useTranslation();
  const { fmt } = usePrefs();
  const me = useUser();
  const screen = adminScreensFor(me).find((s) => s.id === 'users');
  const canManage = screen?.canManage ?? false;
  // 三员分立: the security administrator assigns roles here and changes nothing else.
  const canGrant = screen?.canGrant ?? false;
  const [granting, setGranting] = useState<User | null>(null);
  // The security administrator assigns roles without reading the org tree (no org.read): no unit filter.
  const canSeeUnits = hasPermission(me, 'org.read');
  const units = useOrgUnits(canSeeUnits);
  const roles = useRoles();
  const [filters, setFilters] = useState<Filters>({});
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  // Which customer a portal login (role customer) speaks for (customer.portal_link).
  const canLink = hasPermission(me, 'customer.portal_link');
  const [linking, setLinking] = useState<User | null>(null);

  const list = useKeysetQuery(queryKeys.users(filters), (cursor, signal) =>
    ok(
      api.GET('/api/v1/users', {
        params: { query: { ...withoutEmpty(filters), limit: PAGE, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    ),
  );

  const roleOptions = useMemo(
    () => (roles.data ?? []).map((r) => ({ value: r.code, label: roleLabel(t, i18n.language, r.code, r) })),
    [roles.data, t, i18n.language],
  );
  const unitById = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u])), [units.data]);

  return (
    <ListPage<User>
      testId="admin-users"
      title={t('admin.users.title')}
      subtitle={t('admin.subtitle')}
      list={list}
      readOnly={!canManage && !canGrant}
      newButton={
        canManage
          ? { label: t('admin.users.new'), onClick: () => setEditing('new'), testId: 'user-new' }
          : undefined
      }
      emptyText={t('admin.users.empty')}
      loadMoreTestId="user-load-more"
      toolbar={
        <>
          <Input.Search
            allowClear
            placeholder={t('admin.users.searchPlaceholder')}
            style={{ width: 240 }}
            data-testid="user-search"
            onSearch={(q) => setFilters((f) => ({ ...f, q: q.trim() || undefined }))}
          />
          {canSeeUnits ? (
            <div style={{ width: 240 }}>
              <OrgUnitSelect
                units={units.data}
                allowClear
                placeholder={t('admin.users.fields.orgUnit')}
                value={filters.orgUnitId}
                onChange={(orgUnitId) => setFilters((f) => ({ ...f, orgUnitId: orgUnitId || undefined }))}
              />
            </div>
          ) : null}
          <Select
            allowClear
            placeholder={t('admin.users.fields.roles')}
            options={roleOptions}
            style={{ width: 180 }}
            value={filters.role}
            onChange={(role?: string) => setFilters((f) => ({ ...f, role }))}
          />
          <Select
            allowClear
            placeholder={t('admin.users.fields.status')}
            style={{ width: 140 }}
            value={filters.status}
            onChange={(status?: Filters['status']) => setFilters((f) => ({ ...f, status }))}
            options={STATUSES.map((st) => ({ value: st, label: t(`admin.users.statuses.${st}`) }))}
          />
        </>
      }
      table={{
        'data-testid': 'user-table',
        rowKey: 'id',
        scroll: { x: 960 },
        columns: [
          {
            title: t('admin.users.fields.login'),
            dataIndex: 'login',
            width: 140,
            render: (login: string) => <Data>{login}</Data>,
          },
          { title: t('admin.users.fields.displayName'), dataIndex: 'displayName', width: 120 },
          {
            title: t('admin.users.fields.orgUnit'),
            key: 'unit',
            render: (_, u) => {
              const unit = unitById.get(u.orgUnitId);
              return unit ? unitName(unit, i18n.language) : (u.orgUnitName ?? u.orgUnitId);
            },
          },
          {
            title: t('admin.users.fields.roles'),
            dataIndex: 'roles',
            render: (codes: string[]) =>
              codes.map((c) => {
                const role = roles.data?.find((r) => r.code === c);
                return <Tag key={c}>{roleLabel(t, i18n.language, c, role)}</Tag>;
              }),
          },
          {
            title: t('admin.users.fields.status'),
            dataIndex: 'status',
            width: 90,
            render: (s: User['status']) => (
              <Tag color={s === 'active' ? 'green' : undefined}>{t(`admin.users.statuses.${s}`)}</Tag>
            ),
          },
          // Personal information is shown exactly as the API sends it: masked.
          {
            title: t('admin.users.fields.email'),
            dataIndex: 'email',
            render: (e: string | null) => (e ? <Data>{e}</Data> : t('common.none')),
          },
          {
            title: t('admin.users.fields.employeeNo'),
            dataIndex: 'employeeNo',
            width: 100,
            render: (no: string | null) => (no ? <Data>{no}</Data> : null),
          },
          {
            title: t('admin.users.fields.lastLoginAt'),
            dataIndex: 'lastLoginAt',
            render: (v: string | null) => (v ? fmt.dateTime(v) : t('time.never')),
          },
          ...(canManage || canGrant
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  fixed: 'right' as const,
                  width: canManage && canGrant ? 250 : 170,
                  render: (_: unknown, u: User) => (
                    <Space size={0}>
                      {canManage ? (
                        <>
                          <Button
                            type="link"
                            onClick={() => setEditing(u)}
                            data-testid={`user-edit-${u.login}`}
                          >
                            {t('common.edit')}
                          </Button>
                          <Button type="link" icon={<KeyOutlined />} onClick={() => setResetting(u)}>
                            {t('admin.users.resetPassword')}
                          </Button>
                        </>
                      ) : null}
                      {canLink && u.roles.includes('customer') ? (
                        <Button
                          type="link"
                          icon={<LinkOutlined />}
                          onClick={() => setLinking(u)}
                          data-testid={`user-portal-link-${u.login}`}
                        >
                          {t('admin.users.portalLink')}
                        </Button>
                      ) : null}
                      {canGrant && u.id !== me.id ? (
                        <Button
                          type="link"
                          icon={<SafetyCertificateOutlined />}
                          onClick={() => setGranting(u)}
                          data-testid={`user-grant-${u.login}`}
                        >
                          {t('admin.users.assignRoles')}
                        </Button>
                      ) : null}
                    </Space>
                  ),
                },
              ]
            : []),
        ],
      }}
    >
      {editing ? (
        <UserDialog
          user={editing === 'new' ? undefined : editing}
          units={units.data}
          roles={roles.data}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {resetting ? <PasswordDialog user={resetting} onClose={() => setResetting(null)} /> : null}
      {granting ? <RolesDialog user={granting} roles={roles.data} onClose={() => setGranting(null)} /> : null}
      {linking ? <PortalLinkDialog user={linking} onClose={() => setLinking(null)} /> : null}
    </ListPage>
  );
}

interface UserForm {
  login: string;
  displayName: string;
  orgUnitId: string;
  roles: string[];
  password: string;
  status: User['status'];
  email?: string;
  employeeNo?: string;
  supportLine?: 1 | 2 | 3 | null;
}

function UserDialog(props: {
  user: User | undefined;
  units: OrgUnit[] | undefined;
  roles: Role[] | undefined;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const u = props.user;
  const save = useApiMutation(
    async (v: UserForm) => {
      if (!u) {
        const body: NewUser = {
          login: v.login.trim(),
          displayName: v.displayName.trim(),
          orgUnitId: v.orgUnitId,
          roles: v.roles,
          password: v.password,
          ...(v.email?.trim() ? { email: v.email.trim() } : {}),
          ...(v.employeeNo?.trim() ? { employeeNo: v.employeeNo.trim() } : {}),
          ...(typeof v.supportLine === 'number' ? { supportLine: v.supportLine } : {}),
        };
        await ok(api.POST('/api/v1/users', { body }));
      } else {
        // Send only what changed; the masked e-mail is never sent back (empty = keep it).
        const body: UserChange = { version: u.version };
        if (v.displayName.trim() !== u.displayName) body.displayName = v.displayName.trim();
        if (v.orgUnitId !== u.orgUnitId) body.orgUnitId = v.orgUnitId;
        if ([...v.roles].sort().join() !== [...u.roles].sort().join()) body.roles = v.roles;
        if (v.status !== u.status) body.status = v.status;
        if (v.email?.trim()) body.email = v.email.trim();
        if ((v.employeeNo ?? '') !== (u.employeeNo ?? '')) body.employeeNo = v.employeeNo ?? '';
        if ((v.supportLine ?? null) !== u.supportLine) body.supportLine = v.supportLine ?? null;
        await ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: u.id } }, body }));
      }
    },
    [queryKeys.allUsers],
  );

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<UserForm>
      name="user"
      testId="user-modal"
      title={u ? t('admin.users.edit') : t('admin.users.new')}
      creating={!u}
      onClose={props.onClose}
      onSubmit={(v) => save.mutateAsync(v)}
      successMessage={u ? t('admin.users.saved') : t('admin.users.created')}
      conflictReloads={[queryKeys.allUsers]}
      initialValues={
        u
          ? {
              login: u.login,
              displayName: u.displayName,
              orgUnitId: u.orgUnitId,
              roles: u.roles,
              status: u.status,
              employeeNo: u.employeeNo ?? '',
              supportLine: u.supportLine,
            }
          : { roles: [], status: 'active' }
      }
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="login" label={t('admin.users.fields.login')} rules={u ? [] : required}>
            <Input disabled={Boolean(u)} maxLength={64} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="displayName" label={t('admin.users.fields.displayName')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="orgUnitId"
        label={t('admin.users.fields.orgUnit')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <OrgUnitSelect units={props.units} testId="user-org-select" />
      </Form.Item>
      <Form.Item
        name="roles"
        label={t('admin.users.fields.roles')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Select
          mode="multiple"
          data-testid="user-roles-select"
          loading={!props.roles}
          options={(props.roles ?? []).map((r) => ({
            value: r.code,
            label: roleLabel(t, i18n.language, r.code, r),
          }))}
        />
      </Form.Item>
      {u ? (
        <Form.Item name="status" label={t('admin.users.fields.status')}>
          <Select options={STATUSES.map((s) => ({ value: s, label: t(`admin.users.statuses.${s}`) }))} />
        </Form.Item>
      ) : (
        <Form.Item
          name="password"
          label={t('admin.users.fields.password')}
          extra={t('admin.users.passwordRule')}
          rules={[
            { required: true, message: t('validation.required') },
            { min: 10, message: t('validation.minLength', { count: 10 }) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      )}
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="email"
            label={t('admin.users.fields.email')}
            extra={u?.email ? t('admin.users.emailMasked') : undefined}
            rules={[{ type: 'email', message: t('validation.email') }]}
          >
            <Input placeholder={u?.email ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="employeeNo" label={t('admin.users.fields.employeeNo')}>
            <Input maxLength={32} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="supportLine" label={t('admin.users.fields.supportLine')}>
            <InputNumber min={1} max={3} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </FormDialog>
  );
}

function PasswordDialog(props: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const reset = useApiMutation(
    ({ password }: { password: string }) =>
      ok(
        api.POST('/api/v1/users/{id}/password', {
          params: { path: { id: props.user.id } },
          body: { password },
        }),
      ),
    [],
  );
  return (
    <FormDialog<{ password: string }>
      name="password-reset"
      title={`${t('admin.users.resetPassword')} · ${props.user.displayName}`}
      onClose={props.onClose}
      onSubmit={async (v) => void (await reset.mutateAsync(v))}
      successMessage={t('admin.users.passwordReset')}
    >
      <Form.Item
        name="password"
        label={t('admin.users.newPassword')}
        extra={t('admin.users.passwordRule')}
        rules={[
          { required: true, message: t('validation.required') },
          { min: 10, message: t('validation.minLength', { count: 10 }) },
        ]}
      >
        <Input.Password autoComplete="new-password" autoFocus />
      </Form.Item>
    </FormDialog>
  );
}

/** 分配角色 (user.grant): the user's roles only, sent with the version read (PUT /users/:id/roles). */
function RolesDialog(props: { user: User; roles: Role[] | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const u = props.user;
  const assign = useApiMutation(
    ({ roles }: { roles: string[] }) =>
      ok(
        api.PUT('/api/v1/users/{id}/roles', {
          params: { path: { id: u.id } },
          body: { roles, version: u.version },
        }),
      ),
    [queryKeys.allUsers],
  );
  return (
    <FormDialog<{ roles: string[] }>
      name="user-roles"
      testId="user-roles-modal"
      title={t('admin.users.assignRolesTitle', { name: u.displayName })}
      initialValues={{ roles: u.roles }}
      onClose={props.onClose}
      onSubmit={async (v) => void (await assign.mutateAsync(v))}
      successMessage={t('admin.users.rolesAssigned')}
      conflictReloads={[queryKeys.allUsers]}
    >
      <Form.Item
        name="roles"
        label={t('admin.users.fields.roles')}
        extra={t('admin.users.assignRolesHint')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Select
          mode="multiple"
          data-testid="user-roles-assign"
          loading={!props.roles}
          options={(props.roles ?? []).map((r) => ({
            value: r.code,
            label: roleLabel(t, i18n.language, r.code, r),
          }))}
        />
      </Form.Item>
    </FormDialog>
  );
}

/**
 * 关联客户 (customer.portal_link): which customer a portal login speaks for, by the customer number;
 * linking again replaces the link, unlinking ends it (both audited by the API).
 */
function PortalLinkDialog(props: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const u = props.user;
  const key = ['portal-links', u.id];
  const current = useApiQuery(
    key,
    async (signal) =>
      (await ok(api.GET('/api/v1/customer-portal-accounts', { params: { query: { userId: u.id } }, signal })))
        .items[0] ?? null,
  );
  const link = useApiMutation(
    ({ customerNo }: { customerNo: string }) =>
      ok(
        api.PUT('/api/v1/customer-portal-accounts/{userId}', {
          params: { path: { userId: u.id } },
          body: { customerNo: customerNo.trim() },
        }),
      ),
    [key],
  );
  const unlink = useApiMutation(
    () => ok(api.DELETE('/api/v1/customer-portal-accounts/{userId}', { params: { path: { userId: u.id } } })),
    [key],
  );
  const linked = current.data;
  return (
    <FormDialog<{ customerNo: string }>
      name="portal-link"
      testId="portal-link-modal"
      title={t('admin.users.portalLinkTitle', { name: u.displayName })}
      intro={
        <Space wrap data-testid="portal-link-current">
          {current.data === undefined ? null : linked ? (
            <>
              {t('admin.users.portalLinked')} <Data>{linked.customerNo}</Data>
              <Button
                size="small"
                danger
                loading={unlink.isPending}
                onClick={() => void unlink.mutateAsync(undefined).then(props.onClose)}
                data-testid="portal-unlink"
              >
                {t('admin.users.portalUnlink')}
              </Button>
            </>
          ) : (
            t('admin.users.portalNotLinked')
          )}
        </Space>
      }
      onClose={props.onClose}
      onSubmit={async (v) => void (await link.mutateAsync(v))}
      successMessage={t('admin.users.portalLinkSaved')}
    >
      <Form.Item
        name="customerNo"
        label={t('admin.users.portalCustomerNo')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={40} autoFocus data-testid="portal-link-customer-no" />
      </Form.Item>
    </FormDialog>
  );
}
