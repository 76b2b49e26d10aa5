import { Button, Checkbox, Col, Form, Input, Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { PermissionInfo, Role, RoleChange } from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { roleLabel, tDynamic } from '../../i18n/dynamic.ts';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { useRoles } from './common.tsx';

/** 角色: roles and the permissions each grants; administrators may add their own roles. */
export default function RolesPage() {
  const { t, i18n } = useTranslation();
  const me = useUser();
  const canManage = adminScreensFor(me).find((s) => s.id === 'roles')?.canManage ?? false;
  const roles = useRoles();
  const permissions = useApiQuery(
    queryKeys.permissions,
    async (signal) => (await ok(api.GET('/api/v1/permissions', { signal }))).items,
  );
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  return (
    <ListPage<Role>
      testId="admin-roles"
      title={t('admin.roles.title')}
      subtitle={t('admin.subtitle')}
      list={roles}
      readOnly={!canManage}
      newButton={
        canManage
          ? { label: t('admin.roles.new'), onClick: () => setEditing('new'), testId: 'role-new' }
          : undefined
      }
      table={{
        'data-testid': 'role-table',
        rowKey: 'code',
        scroll: { x: 720 },
        expandable: {
          expandedRowRender: (r) => (
            <Typography.Paragraph style={{ margin: 0 }}>
              {r.permissions.map((p) => (
                <Tag key={p}>{permissionLabel(t, p, permissions.data)}</Tag>
              ))}
            </Typography.Paragraph>
          ),
        },
        columns: [
          {
            title: t('admin.roles.fields.code'),
            dataIndex: 'code',
            width: 180,
            render: (code: string) => <Data>{code}</Data>,
          },
          {
            title: t('admin.roles.fields.name'),
            key: 'name',
            render: (_, r) => roleLabel(t, i18n.language, r.code, r),
          },
          {
            title: t('admin.roles.fields.permissions'),
            key: 'count',
            render: (_, r) => t('admin.roles.permissionCount', { count: r.permissions.length }),
          },
          {
            title: t('admin.roles.fields.kind'),
            dataIndex: 'builtin',
            render: (b: boolean) =>
              b ? <Tag color="blue">{t('admin.roles.builtin')}</Tag> : <Tag>{t('admin.roles.custom')}</Tag>,
          },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 100,
                  render: (_: unknown, r: Role) => (
                    <Button type="link" onClick={() => setEditing(r)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ],
      }}
    >
      {editing ? (
        <RoleDialog
          role={editing === 'new' ? undefined : editing}
          permissions={permissions.data ?? []}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </ListPage>
  );
}

/** A permission in the user's language, else the catalogue's description, else its code. */
function permissionLabel(
  t: ReturnType<typeof useTranslation>['t'],
  code: string,
  catalogue?: PermissionInfo[],
) {
  const fallback = catalogue?.find((p) => p.code === code)?.description ?? code;
  return tDynamic(t, `permissions.${code}`, fallback);
}

interface RoleForm {
  code: string;
  name: string;
  nameEn: string;
  permissions: string[];
}

function RoleDialog(props: { role: Role | undefined; permissions: PermissionInfo[]; onClose: () => void }) {
  const { t } = useTranslation();
  const r = props.role;
  const save = useApiMutation(
    async (v: RoleForm) => {
      if (!r) {
        const body = {
          code: v.code.trim(),
          name: v.name.trim(),
          nameEn: v.nameEn.trim(),
          permissions: v.permissions,
        };
        await ok(api.POST('/api/v1/roles', { body }));
      } else {
        const body: RoleChange = {
          version: r.version,
          name: v.name.trim(),
          nameEn: v.nameEn.trim(),
          permissions: v.permissions,
        };
        await ok(api.PATCH('/api/v1/roles/{code}', { params: { path: { code: r.code } }, body }));
      }
    },
    [queryKeys.roles],
  );

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<RoleForm>
      width={680}
      name="role"
      title={r ? t('admin.roles.edit') : t('admin.roles.new')}
      creating={!r}
      onClose={props.onClose}
      onSubmit={(v) => save.mutateAsync(v)}
      successMessage={r ? t('admin.roles.saved') : t('admin.roles.created')}
      conflictReloads={[queryKeys.roles]}
      initialValues={
        r ? { code: r.code, name: r.name, nameEn: r.nameEn, permissions: r.permissions } : { permissions: [] }
      }
    >
      <Form.Item
        name="code"
        label={t('admin.roles.fields.code')}
        extra={r ? undefined : t('admin.roles.codeRule')}
        rules={r ? [] : [...required, { pattern: /^[a-z][a-z0-9_]*$/, message: t('validation.pattern') }]}
      >
        <Input disabled={Boolean(r)} maxLength={64} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="name" label={t('admin.roles.fields.name')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="nameEn" label={t('admin.roles.fields.nameEn')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="permissions" label={t('admin.roles.fields.permissions')}>
        <Checkbox.Group style={{ width: '100%' }}>
          <Row gutter={[8, 8]}>
            {props.permissions.map((p) => (
              <Col xs={24} sm={12} key={p.code}>
                <Checkbox value={p.code}>
                  {permissionLabel(t, p.code, props.permissions)}{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    <Data>{p.code}</Data>
                  </Typography.Text>
                </Checkbox>
              </Col>
            ))}
          </Row>
        </Checkbox.Group>
      </Form.Item>
    </FormDialog>
  );
}
