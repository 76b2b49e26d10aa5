import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  App,
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
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
import { errorKind } from '../../api/errors.ts';
import type { NewOrgUnit, OrgUnit } from '../../api/models.ts';
import type { OrgKind, OrgLevel } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic, timeZoneLabel } from '../../i18n/dynamic.ts';
import { buildTree, subtreeIds, type TreeNode } from '../../lib/tree.ts';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { OrgUnitSelect, unitName, useOrgUnits } from './common.tsx';

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
  const units = useOrgUnits();
  const [selectedId, setSelectedId] = useState<string>();
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState<{ parent?: OrgUnit } | null>(null);
  const list = useMemo(() => units.data ?? [], [units.data]);
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
    <PageFrame
      testId="admin-org"
      title={t('admin.org.title')}
      subtitle={t('admin.subtitle')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={units.reload}>
            {t('common.reload')}
          </Button>
          {canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              disabled={!selected}
              onClick={() => setCreating({ parent: selected })}
              data-testid="org-new-child"
            >
              {t('admin.org.newChild')}
            </Button>
          ) : null}
        </>
      }
    >
      {canManage ? null : (
        <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {units.error && !units.data ? (
        <ErrorResult error={units.error} onRetry={units.reload} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={10}>
            <Card title={t('admin.org.tree')} loading={units.loading && !units.data}>
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
                  onSaved={units.reload}
                  fmt={fmt}
                />
              ) : (
                <Empty description={t('admin.org.selectHint')} />
              )}
            </Card>
          </Col>
        </Row>
      )}
      {creating ? (
        <NewUnitModal
          parent={creating.parent}
          units={list}
          onClose={() => setCreating(null)}
          onCreated={(unit) => {
            setCreating(null);
            setSelectedId(unit.id);
            units.reload();
          }}
        />
      ) : null}
    </PageFrame>
  );
}

function UnitDetail(props: {
  unit: OrgUnit;
  units: OrgUnit[];
  canManage: boolean;
  onSaved: () => void;
  fmt: ReturnType<typeof usePrefs>['fmt'];
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const u = props.unit;
  const exclude = useMemo(() => subtreeIds(props.units, u.id), [props.units, u.id]);

  const save = async (values: { name: string; nameEn: string; active: boolean; parentId?: string }) => {
    setSaving(true);
    try {
      await ok(
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
      );
      void message.success(t('admin.org.saved'));
      props.onSaved();
    } catch (err) {
      if (errorKind(err) === 'conflict') {
        void message.warning(t('admin.conflict'));
        props.onSaved();
      } else actionError(err);
    } finally {
      setSaving(false);
    }
  };

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
      <Form
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
        onFinish={save}
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

function NewUnitModal(props: {
  parent: OrgUnit | undefined;
  units: OrgUnit[];
  onClose: () => void;
  onCreated: (unit: OrgUnit) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch<OrgKind | undefined>('kind', form) ?? 'administrative';

  const submit = async (v: {
    parentId: string;
    code: string;
    name: string;
    nameEn?: string;
    level: OrgLevel;
    kind: OrgKind;
    functionType?: NewOrgUnit['functionType'];
  }) => {
    setSaving(true);
    const body: NewOrgUnit = {
      parentId: v.parentId,
      code: v.code.trim(),
      name: v.name.trim(),
      level: v.level,
      kind: v.kind,
      ...(v.nameEn?.trim() ? { nameEn: v.nameEn.trim() } : {}),
      ...(v.kind === 'functional' && v.functionType ? { functionType: v.functionType } : {}),
    };
    try {
      const unit = await ok(api.POST('/api/v1/org-units', { body }));
      void message.success(t('admin.org.created'));
      props.onCreated(unit);
    } catch (err) {
      actionError(err);
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('admin.org.newChild')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      data-testid="org-new-modal"
    >
      <Form
        form={form}
        layout="vertical"
        name="org-new"
        onFinish={submit}
        onValuesChange={(changed: { kind?: OrgKind; parentId?: string }) => {
          if (changed.kind || changed.parentId) {
            const parent = props.units.find((u) => u.id === form.getFieldValue('parentId'));
            form.setFieldValue('level', suggestedLevel(parent, form.getFieldValue('kind')));
          }
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
      </Form>
    </Modal>
  );
}
