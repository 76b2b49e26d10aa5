import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Switch,
  Tag,
  Tree,
  Typography,
  type TreeDataNode,
} from 'antd';
import { useMemo, useState, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { NewOrgUnit, OrgUnit } from '../../api/models.ts';
import { queryKeys, useApiMutation, useInvalidate, useListQuery } from '../../api/query.tsx';
import type { OrgKind, OrgLevel } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ConflictNotice, FormDialog, useFormSubmit } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { loadOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic, timeZoneLabel } from '../../i18n/dynamic.ts';
import { buildTree, subtreeIds, type TreeNode } from '../../lib/tree.ts';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { OrgUnitSelect, unitName } from './common.tsx';

const LEVELS: OrgLevel[] = ['national', 'province', 'city', 'district'];
const KINDS: OrgKind[] = ['administrative', 'functional'];
const FUNCTION_TYPES = [
  'hotline_centre',
  'monitoring_centre',
  'billing_centre',
  'quality_team',
  'dispatch_centre',
  'field_service',
  'account_management',
];

/** A new unit's likely level: functional units sit at their parent's level, others one below. */
function suggestedLevel(parent: OrgUnit | undefined, kind: OrgKind): OrgLevel {
  if (!parent) return 'national';
  const i = LEVELS.indexOf(parent.level);
  return kind === 'functional' ? parent.level : (LEVELS[Math.min(i + 1, LEVELS.length - 1)] ?? 'district');
}

function matches(unit: OrgUnit, q: string): boolean {
  const s = q.trim().toLowerCase();
  return (
    !s ||
    unit.code.toLowerCase().includes(s) ||
    unit.name.includes(q.trim()) ||
    (unit.nameEn ?? '').toLowerCase().includes(s)
  );
}

/** 组织机构: the org tree, a unit's details and edit form, and a form for a new child unit. */
export default function OrgUnitsPage() {
  const { t, i18n } = useTranslation();
  const { fmt } = usePrefs();
  const user = useUser();
  const canManage = adminScreensFor(user).find((s) => s.id === 'org')?.canManage ?? false;
  const units = useListQuery(queryKeys.orgUnits, loadOrgUnits);
  const [selectedId, setSelectedId] = useState<string>();
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState<{ parent?: OrgUnit } | null>(null);
  const list = units.rows;
  const selected = list.find((u) => u.id === selectedId);

  const treeData = useMemo(() => {
    // Keep a unit if it or anything under it matches the filter.
    const keep = (n: TreeNode<OrgUnit>): boolean => matches(n.item, filter) || n.children.some(keep);
    const toNodes = (nodes: TreeNode<OrgUnit>[]): TreeDataNode[] =>
      nodes.filter(keep).map((n) => ({
        key: n.item.id,
        title: (
          <span data-testid={`org-node-${n.item.code}`} style={n.item.active ? undefined : { color: '#999' }}>
            {unitName(n.item, i18n.language)}{' '}
            <Typography.Text type="secondary">
              <Data>{n.item.code}</Data>
            </Typography.Text>
            {n.item.active ? null : <Tag style={{ marginLeft: 4 }}>{t('common.inactive')}</Tag>}
          </span>
        ),
        children: toNodes(n.children),
      }));
    return toNodes(buildTree(list));
  }, [list, filter, i18n.language, t]);

  const allKeys = useMemo(() => list.map((u) => u.id), [list]);
  // Open by default: a small tree entirely, a large one down to the provinces.
  const defaultOpen = useMemo(
    () => (list.length <= 60 ? allKeys : list.filter((u) => u.level === 'national').map((u) => u.id)),
    [list, allKeys],
  );
  const [expanded, setExpanded] = useState<Key[]>();

  return (
    <ListPage<OrgUnit>
      testId="admin-org"
      title={t('admin.org.title')}
      subtitle={t('admin.subtitle')}
      list={units}
      readOnly={!canManage}
      newButton={
        canManage
          ? {
              label: t('admin.org.newChild'),
              onClick: () => setCreating({ parent: selected }),
              testId: 'org-new-child',
              disabled: !selected,
            }
          : undefined
      }
      content={
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={10}>
            <Card title={t('admin.org.tree')} loading={units.loading && !units.loaded}>
              <Input.Search
                allowClear
                placeholder={t('admin.org.searchPlaceholder')}
                onChange={(e) => setFilter(e.target.value)}
                style={{ marginBottom: 12 }}
                data-testid="org-filter"
              />
              {treeData.length ? (
                <Tree
                  data-testid="org-tree"
                  treeData={treeData}
                  selectedKeys={selectedId ? [selectedId] : []}
                  onSelect={(keys) => setSelectedId((keys[0] as string | undefined) ?? undefined)}
                  expandedKeys={filter ? allKeys : (expanded ?? defaultOpen)}
                  onExpand={(keys) => setExpanded(keys)}
                  blockNode
                  showLine
                  height={560}
                />
              ) : (
                <Empty description={t('admin.org.empty')} />
              )}
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card title={t('admin.org.detail')} data-testid="org-detail">
              {selected ? (
                <UnitDetail
                  key={`${selected.id}:${selected.version}`}
                  unit={selected}
                  units={list}
                  canManage={canManage}
                  fmt={fmt}
                />
              ) : (
                <Empty description={t('admin.org.selectHint')} />
              )}
            </Card>
          </Col>
        </Row>
      }
    >
      {creating ? (
        <NewUnitDialog
          parent={creating.parent}
          units={list}
          onClose={() => setCreating(null)}
          onCreated={(unit) => setSelectedId(unit.id)}
        />
      ) : null}
    </ListPage>
  );
}

interface UnitForm {
  name: string;
  nameEn: string;
  active: boolean;
  parentId?: string;
}

function UnitDetail(props: {
  unit: OrgUnit;
  units: OrgUnit[];
  canManage: boolean;
  fmt: ReturnType<typeof usePrefs>['fmt'];
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<UnitForm>();
  const u = props.unit;
  const exclude = useMemo(() => subtreeIds(props.units, u.id), [props.units, u.id]);
  const patch = useApiMutation(
    (values: UnitForm) =>
      ok(
        api.PATCH('/api/v1/org-units/{id}', {
          params: { path: { id: u.id } },
          // Only what changed (an empty English name is left as it was).
          body: {
            ...(values.name.trim() !== u.name ? { name: values.name.trim() } : {}),
            ...(values.nameEn?.trim() && values.nameEn.trim() !== u.nameEn
              ? { nameEn: values.nameEn.trim() }
              : {}),
            ...(values.active !== u.active ? { active: values.active } : {}),
            ...(values.parentId && values.parentId !== u.parentId ? { parentId: values.parentId } : {}),
            version: u.version,
          },
        }),
      ),
    [queryKeys.orgUnits],
  );
  // A form on the page, saved like a dialog (components/FormDialog.tsx: field errors, conflicts).
  const { saving, conflict, submit } = useFormSubmit(form, async (values) => {
    await patch.mutateAsync(values);
    void message.success(t('admin.org.saved'));
  });

  return (
    <>
      <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('admin.org.fields.code')}>
          <Data>{u.code}</Data>
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.level')}>
          {t(`admin.org.levels.${u.level}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.kind')}>
          {t(`admin.org.kinds.${u.kind}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.functionType')}>
          {u.functionType
            ? tDynamic(t, `admin.org.functionTypes.${u.functionType}`, u.functionType)
            : t('common.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.timeZone')}>
          {u.timeZone ? timeZoneLabel(t, i18n.language, u.timeZone) : t('common.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.active')}>
          {u.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.createdAt')}>
          {props.fmt.dateTime(u.createdAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('admin.org.fields.updatedAt')}>
          {props.fmt.dateTime(u.updatedAt)}
        </Descriptions.Item>
      </Descriptions>
      {conflict ? <ConflictNotice onReload={() => void invalidate(queryKeys.orgUnits)} /> : null}
      <Form<UnitForm>
        form={form}
        layout="vertical"
        name="org-edit"
        disabled={!props.canManage || saving}
        initialValues={{
          name: u.name,
          nameEn: u.nameEn ?? '',
          active: u.active,
          parentId: u.parentId ?? undefined,
        }}
        onFinish={(values) => void submit(values)}
      >
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="name"
              label={t('admin.org.fields.name')}
              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="nameEn" label={t('admin.org.fields.nameEn')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        {u.parentId ? (
          <Form.Item name="parentId" label={t('admin.org.fields.parent')}>
            <OrgUnitSelect units={props.units} exclude={exclude} />
          </Form.Item>
        ) : null}
        <Form.Item name="active" label={t('admin.org.fields.active')} valuePropName="checked">
          <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
        </Form.Item>
        {props.canManage ? (
          <Button type="primary" htmlType="submit" loading={saving} data-testid="org-save">
            {t('common.save')}
          </Button>
        ) : null}
      </Form>
    </>
  );
}

interface NewUnitForm {
  parentId: string;
  code: string;
  name: string;
  nameEn?: string;
  level: OrgLevel;
  kind: OrgKind;
  functionType?: NewOrgUnit['functionType'];
}

function NewUnitDialog(props: {
  parent: OrgUnit | undefined;
  units: OrgUnit[];
  onClose: () => void;
  onCreated: (unit: OrgUnit) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewUnitForm>();
  const kind = Form.useWatch('kind', form) ?? 'administrative';
  const create = useApiMutation(
    (v: NewUnitForm) =>
      ok(
        api.POST('/api/v1/org-units', {
          body: {
            parentId: v.parentId,
            code: v.code.trim(),
            name: v.name.trim(),
            level: v.level,
            kind: v.kind,
            ...(v.nameEn?.trim() ? { nameEn: v.nameEn.trim() } : {}),
            ...(v.kind === 'functional' && v.functionType ? { functionType: v.functionType } : {}),
          },
        }),
      ),
    [queryKeys.orgUnits],
  );

  return (
    <FormDialog<NewUnitForm>
      name="org-new"
      testId="org-new-modal"
      title={t('admin.org.newChild')}
      creating
      form={form}
      onClose={props.onClose}
      onSubmit={async (v) => props.onCreated(await create.mutateAsync(v))}
      successMessage={t('admin.org.created')}
      formProps={{
        onValuesChange: (changed: Partial<NewUnitForm>) => {
          if (changed.kind || changed.parentId) {
            const parent = props.units.find((u) => u.id === form.getFieldValue('parentId'));
            form.setFieldValue('level', suggestedLevel(parent, form.getFieldValue('kind')));
          }
        },
      }}
      initialValues={{
        parentId: props.parent?.id,
        kind: 'administrative',
        level: suggestedLevel(props.parent, 'administrative'),
      }}
    >
      <Form.Item
        name="parentId"
        label={t('admin.org.fields.parent')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <OrgUnitSelect units={props.units} />
      </Form.Item>
      <Form.Item
        name="code"
        label={t('admin.org.fields.code')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('admin.org.fields.name')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="nameEn" label={t('admin.org.fields.nameEn')}>
        <Input maxLength={100} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="kind" label={t('admin.org.fields.kind')} rules={[{ required: true }]}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`admin.org.kinds.${k}`) }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="level" label={t('admin.org.fields.level')} rules={[{ required: true }]}>
            <Select options={LEVELS.map((l) => ({ value: l, label: t(`admin.org.levels.${l}`) }))} />
          </Form.Item>
        </Col>
      </Row>
      {kind === 'functional' ? (
        <Form.Item
          name="functionType"
          label={t('admin.org.fields.functionType')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            options={FUNCTION_TYPES.map((f) => ({
              value: f,
              label: tDynamic(t, `admin.org.functionTypes.${f}`, f),
            }))}
          />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}
