import { DeleteOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Button, Flex, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { errorKind } from '../../api/errors.ts';
import { queryKeys, useApiMutation, useApiQuery, useListQuery } from '../../api/query.tsx';
import type { OrgUnit, SkillGroup, SkillGroupChange, SkillGroupMembers, User } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { KNOWN_SKILLS, skillLabel } from '../../i18n/dynamic.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { OrgUnitSelect, unitName, useOrgUnits } from './common.tsx';

/** 技能组: groups of agents by skill (routing uses them later) and their members. */
export default function SkillGroupsPage() {
  const { t, i18n } = useTranslation();
  const me = useUser();
  const canManage = adminScreensFor(me).find((s) => s.id === 'skillGroups')?.canManage ?? false;
  const groups = useListQuery(
    queryKeys.skillGroups,
    async (signal) => (await ok(api.GET('/api/v1/skill-groups', { signal }))).items,
  );
  const units = useOrgUnits();
  const unitById = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u])), [units.data]);
  const [editing, setEditing] = useState<SkillGroup | 'new' | null>(null);
  const [members, setMembers] = useState<SkillGroup | null>(null);
  const groupName = (g: SkillGroup) => (i18n.language === 'en' ? g.nameEn || g.name : g.name);

  return (
    <ListPage<SkillGroup>
      testId="admin-skill-groups"
      title={t('admin.skillGroups.title')}
      subtitle={t('admin.subtitle')}
      list={groups}
      readOnly={!canManage}
      newButton={
        canManage
          ? { label: t('admin.skillGroups.new'), onClick: () => setEditing('new'), testId: 'skill-group-new' }
          : undefined
      }
      table={{
        'data-testid': 'skill-group-table',
        rowKey: 'id',
        scroll: { x: 900 },
        columns: [
          {
            title: t('admin.skillGroups.fields.code'),
            dataIndex: 'code',
            width: 150,
            render: (code: string) => <Data>{code}</Data>,
          },
          {
            title: t('admin.skillGroups.fields.name'),
            key: 'name',
            render: (_, g) => <Data>{groupName(g)}</Data>,
          },
          {
            title: t('admin.skillGroups.fields.orgUnit'),
            key: 'unit',
            render: (_, g) => {
              const unit = unitById.get(g.orgUnitId);
              return unit ? unitName(unit, i18n.language) : g.orgUnitId;
            },
          },
          {
            title: t('admin.skillGroups.fields.skills'),
            dataIndex: 'skills',
            render: (skills: string[]) => skills.map((s) => <SkillTag key={s} code={s} />),
          },
          { title: t('admin.skillGroups.fields.memberCount'), dataIndex: 'memberCount', width: 90 },
          {
            title: t('admin.skillGroups.fields.active'),
            dataIndex: 'active',
            width: 90,
            render: (a: boolean) =>
              a ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 180,
            render: (_, g) => (
              <Space size={0}>
                {canManage ? (
                  <Button type="link" onClick={() => setEditing(g)}>
                    {t('common.edit')}
                  </Button>
                ) : null}
                <Button type="link" icon={<TeamOutlined />} onClick={() => setMembers(g)}>
                  {t('admin.skillGroups.members')}
                </Button>
              </Space>
            ),
          },
        ],
      }}
    >
      {editing ? (
        <GroupDialog
          group={editing === 'new' ? undefined : editing}
          units={units.data}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {members ? (
        <MembersModal
          group={members}
          title={t('admin.skillGroups.membersTitle', { name: groupName(members) })}
          canManage={canManage}
          onClose={() => setMembers(null)}
        />
      ) : null}
    </ListPage>
  );
}

/** A skill by its name; a skill the console has no name for shows as typed (data). */
function SkillTag({ code }: { code: string }) {
  const { t } = useTranslation();
  const label = skillLabel(t, code);
  return <Tag>{label === code ? <Data>{code}</Data> : label}</Tag>;
}

interface GroupForm {
  code: string;
  name: string;
  nameEn?: string;
  orgUnitId: string;
  description?: string;
  skills: string[];
  active: boolean;
}

function GroupDialog(props: {
  group: SkillGroup | undefined;
  units: OrgUnit[] | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const g = props.group;
  const save = useApiMutation(
    async (v: GroupForm) => {
      if (!g) {
        const body = {
          code: v.code.trim(),
          name: v.name.trim(),
          orgUnitId: v.orgUnitId,
          skills: v.skills,
          ...(v.nameEn?.trim() ? { nameEn: v.nameEn.trim() } : {}),
          ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        };
        await ok(api.POST('/api/v1/skill-groups', { body }));
      } else {
        // Only what changed (emptied optional texts are left as they were).
        const body: SkillGroupChange = { version: g.version };
        if (v.name.trim() !== g.name) body.name = v.name.trim();
        if (v.nameEn?.trim() && v.nameEn.trim() !== g.nameEn) body.nameEn = v.nameEn.trim();
        if (v.description?.trim() && v.description.trim() !== g.description)
          body.description = v.description.trim();
        if (v.skills.join('\u0000') !== g.skills.join('\u0000')) body.skills = v.skills;
        if (v.active !== g.active) body.active = v.active;
        await ok(api.PATCH('/api/v1/skill-groups/{id}', { params: { path: { id: g.id } }, body }));
      }
    },
    [queryKeys.allSkillGroups],
  );

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<GroupForm>
      name="skill-group"
      title={g ? t('admin.skillGroups.edit') : t('admin.skillGroups.new')}
      creating={!g}
      onClose={props.onClose}
      onSubmit={(v) => save.mutateAsync(v)}
      successMessage={g ? t('admin.skillGroups.saved') : t('admin.skillGroups.created')}
      conflictReloads={[queryKeys.allSkillGroups]}
      initialValues={
        g
          ? {
              code: g.code,
              name: g.name,
              nameEn: g.nameEn ?? '',
              orgUnitId: g.orgUnitId,
              description: g.description ?? '',
              skills: g.skills,
              active: g.active,
            }
          : { skills: [], active: true }
      }
    >
      <Form.Item name="code" label={t('admin.skillGroups.fields.code')} rules={g ? [] : required}>
        <Input disabled={Boolean(g)} maxLength={64} />
      </Form.Item>
      <Form.Item name="name" label={t('admin.skillGroups.fields.name')} rules={required}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="nameEn" label={t('admin.skillGroups.fields.nameEn')}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        name="orgUnitId"
        label={t('admin.skillGroups.fields.orgUnit')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        {g ? (
          <Input disabled value={props.units?.find((u) => u.id === g.orgUnitId)?.name ?? g.orgUnitId} />
        ) : (
          <OrgUnitSelect units={props.units} />
        )}
      </Form.Item>
      <Form.Item
        name="skills"
        label={t('admin.skillGroups.fields.skills')}
        extra={t('admin.skillGroups.skillsHint')}
      >
        <Select
          mode="tags"
          tokenSeparators={[',', ' ']}
          optionFilterProp="label"
          options={KNOWN_SKILLS.map((s) => ({ value: s, label: skillLabel(t, s) }))}
        />
      </Form.Item>
      <Form.Item name="description" label={t('admin.skillGroups.fields.description')}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      {g ? (
        <Form.Item name="active" label={t('admin.skillGroups.fields.active')} valuePropName="checked">
          <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

type Member = Pick<SkillGroupMembers['items'][number], 'userId' | 'proficiency'>;

function MembersModal(props: { group: SkillGroup; title: string; canManage: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const groupId = props.group.id;
  const current = useApiQuery(queryKeys.skillGroupMembers(groupId), (signal) =>
    ok(api.GET('/api/v1/skill-groups/{id}/members', { params: { path: { id: groupId } }, signal })),
  );
  // People of the group's unit, to name members and to pick new ones; a search finds others.
  const [query, setQuery] = useState('');
  const people = useApiQuery(
    ['users', 'pick', props.group.orgUnitId, query],
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/users', {
            params: {
              query: {
                status: 'active',
                limit: 50,
                ...(query ? { q: query } : { orgUnitId: props.group.orgUnitId }),
              },
            },
            signal,
          }),
        )
      ).items,
  );
  const [known, setKnown] = useState<Map<string, User>>(new Map());
  const [edited, setEdited] = useState<Member[]>();
  const saveMembers = useApiMutation(
    (members: Member[]) =>
      ok(
        api.PUT('/api/v1/skill-groups/{id}/members', {
          params: { path: { id: groupId } },
          body: { members: members.map(({ userId, proficiency }) => ({ userId, proficiency })) },
        }),
      ),
    [queryKeys.allSkillGroups],
  );
  const list: Member[] = edited ?? current.data?.items ?? [];
  const nameOf = (id: string) => {
    const u =
      known.get(id) ??
      people.data?.find((p) => p.id === id) ??
      current.data?.items.find((m) => m.userId === id);
    return u ? `${u.displayName} (${u.login})` : id;
  };

  const save = async () => {
    try {
      await saveMembers.mutateAsync(list);
      void message.success(t('admin.skillGroups.membersSaved'));
      props.onClose();
    } catch (err) {
      if (errorKind(err) === 'conflict') current.reload();
      actionError(err);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={props.title}
      onCancel={props.onClose}
      onOk={props.canManage ? () => void save() : props.onClose}
      okText={props.canManage ? t('common.save') : t('common.close')}
      cancelButtonProps={props.canManage ? undefined : { style: { display: 'none' } }}
      cancelText={t('common.cancel')}
      confirmLoading={saveMembers.isPending}
      destroyOnHidden
    >
      {current.error ? (
        <ErrorResult error={current.error} onRetry={current.reload} compact />
      ) : (
        <>
          {props.canManage ? (
            <Flex gap={8} style={{ marginBottom: 12 }}>
              <Select<string>
                showSearch={{ filterOption: false, onSearch: setQuery }}
                style={{ flex: 1 }}
                placeholder={t('admin.skillGroups.pickUser')}
                loading={people.loading}
                value={null}
                options={(people.data ?? [])
                  .filter((u) => !list.some((m) => m.userId === u.id))
                  .map((u) => ({ value: u.id, label: `${u.displayName} (${u.login})` }))}
                onChange={(userId) => {
                  const u = people.data?.find((p) => p.id === userId);
                  if (u) setKnown((k) => new Map(k).set(u.id, u));
                  setEdited([...list, { userId, proficiency: 3 }]);
                }}
              />
            </Flex>
          ) : null}
          <Table<Member>
            rowKey="userId"
            size="small"
            loading={current.loading}
            dataSource={list}
            pagination={false}
            columns={[
              {
                title: t('admin.users.fields.displayName'),
                key: 'name',
                render: (_, m) => <Data>{nameOf(m.userId)}</Data>,
              },
              {
                title: t('admin.skillGroups.proficiency'),
                dataIndex: 'proficiency',
                width: 130,
                render: (p: number, m) => (
                  <InputNumber
                    min={1}
                    max={5}
                    value={p}
                    disabled={!props.canManage}
                    onChange={(v) =>
                      setEdited(
                        list.map((x) =>
                          x.userId === m.userId ? { ...x, proficiency: v ?? x.proficiency } : x,
                        ),
                      )
                    }
                  />
                ),
              },
              ...(props.canManage
                ? [
                    {
                      title: t('common.actions'),
                      key: 'remove',
                      width: 90,
                      render: (_: unknown, m: Member) => (
                        <Button
                          type="link"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('admin.skillGroups.remove')}
                          onClick={() => setEdited(list.filter((x) => x.userId !== m.userId))}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
    </Modal>
  );
}
