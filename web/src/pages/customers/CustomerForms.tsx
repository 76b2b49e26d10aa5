import './texts.ts';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  type FormInstance,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { errorKind } from '../../api/errors.ts';
import { queryKeys, useApiMutation, useApiQuery, useInvalidate } from '../../api/query.tsx';
import type {
  ContactChange,
  Customer,
  CustomerChange,
  CustomerContact,
  NewContact,
  NewCustomer,
  NewInstance,
  ProductInstance,
} from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { useActionError } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { OrgUnitSelect, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import { useCodeLabel } from './common.tsx';
import {
  changedFields,
  filledFields,
  instanceTransitions,
  RESOURCE_FIELDS,
  residentIdCheckHint,
  type ResourceKind,
} from './editing.ts';

const TIERS = ['group', 'province', 'localA', 'localB', 'localC'] as const;
const VALUE_LEVELS = ['diamond', 'platinum', 'gold', 'silver', 'standard'] as const;
const ID_TYPES = ['resident_id', 'passport', 'other'] as const;
const CUSTOMER_STATUSES = ['active', 'suspended', 'closed'] as const;
const CONTACT_ROLES = ['primary', 'technical', 'billing', 'manager', 'other'] as const;
const CHANNELS = ['phone', 'sms', 'email', 'wechat', 'none'] as const;
const ACCESS_TYPES = ['adsl', 'vdsl', 'lan', 'ftth', 'fttb', 'wireless', 'other'] as const;
const DEVICE_TYPES = ['olt', 'dslam', 'switch', 'msan', 'other'] as const;
const LOCATION_CLASSES = ['urban', 'county', 'rural'] as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether the signed-in user may create and change customers (customer.manage). */
export function useCanManage(): boolean {
  return hasPermission(useUser(), 'customer.manage');
}

function useOptions() {
  const label = useCodeLabel();
  const { t } = useTranslation();
  return {
    codes: (group: string, codes: readonly string[]) =>
      codes.map((c) => ({ value: c, label: label(group, c) })),
    idTypes: ID_TYPES.map((c) => ({ value: c, label: t(`customers.edit.idTypes.${c}`) })),
  };
}

/** Account managers to pick from: only for users who may list users (user.read). */
function AccountManagerSelect(props: { value?: string | null; onChange?: (v: string | null) => void }) {
  const managers = useApiQuery(
    queryKeys.users({ role: 'account_manager', limit: 200 }),
    async (signal) =>
      (
        await ok(
          api.GET('/api/v1/users', { params: { query: { role: 'account_manager', limit: 200 } }, signal }),
        )
      ).items,
  );
  return (
    <Select
      data-testid="account-manager-select"
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={managers.loading}
      value={props.value ?? undefined}
      onChange={(v?: string) => props.onChange?.(v ?? null)}
      options={(managers.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.login})` }))}
    />
  );
}

/** ID number with the check-digit hint of a resident ID (a warning: the server has the last word). */
function idNumberRules(hint: (digit: string) => string, form: FormInstance) {
  return [
    {
      warningOnly: true,
      validator: async (_: unknown, v?: string) => {
        if ((form.getFieldValue('idType') ?? 'resident_id') !== 'resident_id' || !v) return;
        const digit = residentIdCheckHint(v);
        if (digit) throw new Error(hint(digit));
      },
    },
  ];
}

type CustomerFormValues = Record<string, unknown> & {
  kind: 'individual' | 'enterprise';
  branches?: Array<{ name?: string; orgUnitId?: string }>;
};

/** 新建客户: an individual or an enterprise; opens its 360 page once created. */
export function NewCustomerModal(props: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const user = useUser();
  const units = useOrgUnits();
  const opts = useOptions();
  const [form] = Form.useForm<CustomerFormValues>();
  const kind = Form.useWatch('kind', form) ?? 'individual';
  const canPickManager = hasPermission(user, 'user.read');
  const create = useApiMutation(
    async (v: CustomerFormValues) => {
      const { branches, ...rest } = v;
      const body = {
        ...filledFields(rest),
        kind: v.kind,
        ...(v.kind === 'enterprise' && branches?.length
          ? { branches: branches.map((b) => filledFields(b)) }
          : {}),
      } as NewCustomer;
      return ok(api.POST('/api/v1/customers', { body }));
    },
    [queryKeys.allCustomers],
  );
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<CustomerFormValues>
      width={720}
      name="customer"
      testId="customer-new-modal"
      title={t('customers.edit.newCustomer')}
      creating
      form={form}
      formProps={{ preserve: false }}
      onClose={props.onClose}
      onSubmit={async (v) => props.onCreated((await create.mutateAsync(v)).id)}
      successMessage={t('customers.edit.created')}
      // No home unit by default: it is where the customer belongs, not the agent's unit (the call centre).
      initialValues={{ kind: 'individual', idType: 'resident_id' }}
    >
      <Form.Item name="kind" label={t('customers.fields.kind')}>
        <Radio.Group
          optionType="button"
          data-testid="customer-kind"
          options={opts.codes('kinds', ['individual', 'enterprise'])}
        />
      </Form.Item>
      <Form.Item name="name" label={t('customers.fields.name')} rules={required}>
        <Input maxLength={200} autoComplete="off" />
      </Form.Item>
      {kind === 'individual' ? (
        <>
          <Row gutter={12}>
            <Col xs={24} sm={8}>
              <Form.Item name="idType" label={t('customers.edit.idType')}>
                <Select options={opts.idTypes} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={16}>
              <Form.Item
                name="idNumber"
                label={t('customers.fields.idNumber')}
                dependencies={['idType']}
                rules={idNumberRules((digit) => t('customers.edit.idCheckHint', { digit }), form)}
              >
                <Input maxLength={32} autoComplete="off" />
              </Form.Item>
            </Col>
          </Row>
          <PiiInputs />
        </>
      ) : (
        <Row gutter={12}>
          <Col xs={24} sm={16}>
            <Form.Item name="creditCode" label={t('customers.fields.creditCode')}>
              <Input maxLength={18} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="tier"
              label={t('customers.fields.tier')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Select data-testid="customer-tier" options={opts.codes('tiers', TIERS)} />
            </Form.Item>
          </Col>
        </Row>
      )}
      <OwnershipInputs units={units.data} canPickManager={kind === 'enterprise' && canPickManager} />
      {kind === 'enterprise' ? <BranchesInput units={units.data} /> : null}
    </FormDialog>
  );
}

/** Phone, e-mail, address: typed in full (never pre-filled with the masked value). */
function PiiInputs(props: { current?: Pick<Customer, 'phone' | 'email' | 'address'> }) {
  const { t } = useTranslation();
  const c = props.current;
  return (
    <>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="phone" label={t('customers.edit.mobile')}>
            <Input maxLength={32} placeholder={c?.phone ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="email" label={t('customers.fields.email')}>
            <Input maxLength={254} placeholder={c?.email ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="address" label={t('customers.fields.address')}>
        <Input maxLength={300} placeholder={c?.address ?? undefined} autoComplete="off" />
      </Form.Item>
    </>
  );
}

function OwnershipInputs(props: {
  units: Parameters<typeof OrgUnitSelect>[0]['units'];
  canPickManager: boolean;
}) {
  const { t } = useTranslation();
  const opts = useOptions();
  return (
    <>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="orgUnitId"
            label={t('customers.fields.orgUnit')}
            rules={[{ required: true, message: t('customers.edit.orgUnitRequired') }]}
          >
            <OrgUnitSelect
              units={props.units}
              placeholder={t('customers.edit.orgUnitPlaceholder')}
              testId="customer-org-select"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="valueLevel" label={t('customers.fields.valueLevel')}>
            <Select
              allowClear
              data-testid="customer-value-level"
              options={opts.codes('valueLevels', VALUE_LEVELS)}
            />
          </Form.Item>
        </Col>
      </Row>
      {props.canPickManager ? (
        <Form.Item name="accountManagerId" label={t('customers.fields.accountManager')}>
          <AccountManagerSelect />
        </Form.Item>
      ) : null}
      <Form.Item name="tags" label={t('customers.fields.tags')}>
        <Select mode="tags" placeholder={t('customers.edit.tagsPlaceholder')} />
      </Form.Item>
    </>
  );
}

function BranchesInput(props: { units: Parameters<typeof OrgUnitSelect>[0]['units'] }) {
  const { t } = useTranslation();
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Form.Item label={t('customers.edit.branches')}>
      <Form.List name="branches">
        {(fields, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {fields.map((f) => (
              <Row gutter={8} key={f.key} align="top">
                <Col flex="1">
                  <Form.Item name={[f.name, 'name']} rules={required} noStyle={false}>
                    <Input placeholder={t('customers.edit.branchName')} maxLength={200} />
                  </Form.Item>
                </Col>
                <Col flex="1">
                  <Form.Item
                    name={[f.name, 'orgUnitId']}
                    rules={[{ required: true, message: t('validation.required') }]}
                  >
                    <OrgUnitSelect units={props.units} placeholder={t('customers.edit.branchUnit')} />
                  </Form.Item>
                </Col>
                <Col>
                  <Button
                    type="text"
                    aria-label={t('customers.edit.remove')}
                    icon={<MinusCircleOutlined />}
                    onClick={() => remove(f.name)}
                  />
                </Col>
              </Row>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>
              {t('customers.edit.addBranch')}
            </Button>
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

/** 编辑客户档案: sends only changed fields with the version read (409 = someone else was faster). */
export function EditProfileModal(props: { customer: Customer; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const user = useUser();
  const units = useOrgUnits();
  const opts = useOptions();
  const c = props.customer;
  const [form] = Form.useForm<Record<string, unknown>>();
  const initial: Record<string, unknown> = {
    name: c.name,
    orgUnitId: c.orgUnitId,
    valueLevel: c.valueLevel,
    status: c.status,
    tags: c.tags,
    industry: c.industry,
    notes: c.notes,
    ...(c.kind === 'enterprise'
      ? {
          tier: c.tier,
          creditCode: c.creditCode,
          ...(hasPermission(user, 'user.read') ? { accountManagerId: c.accountManager?.id ?? null } : {}),
        }
      : { idType: c.idType ?? 'resident_id' }),
  };
  const save = useApiMutation(
    (body: CustomerChange) =>
      ok(api.PATCH('/api/v1/customers/{id}', { params: { path: { id: c.id } }, body })),
    [queryKeys.allCustomers],
  );
  const submit = async (v: Record<string, unknown>) => {
    const changes = changedFields(initial, v);
    if (Object.keys(changes).length === 0) {
      void message.info(t('customers.edit.nothingChanged'));
      return;
    }
    await save.mutateAsync({ ...changes, version: c.version } as CustomerChange);
    void message.success(t('customers.edit.saved'));
    props.onSaved();
  };
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<Record<string, unknown>>
      width={720}
      name="customer-edit"
      testId="customer-edit-modal"
      title={t('customers.edit.editTitle', { name: c.name })}
      form={form}
      onClose={props.onClose}
      onSubmit={submit}
      conflictReloads={[queryKeys.allCustomers]}
      onReloaded={props.onSaved}
      intro={<Alert type="info" showIcon title={t('customers.edit.piiHint')} style={{ marginBottom: 16 }} />}
      initialValues={initial}
    >
      <Form.Item name="name" label={t('customers.fields.name')} rules={required}>
        <Input maxLength={200} />
      </Form.Item>
      {c.kind === 'individual' ? (
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="idType" label={t('customers.edit.idType')}>
              <Select options={opts.idTypes} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item
              name="idNumber"
              label={t('customers.fields.idNumber')}
              dependencies={['idType']}
              rules={idNumberRules((digit) => t('customers.edit.idCheckHint', { digit }), form)}
            >
              <Input maxLength={32} placeholder={c.idNumber ?? undefined} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
      ) : (
        <Row gutter={12}>
          <Col xs={24} sm={16}>
            <Form.Item name="creditCode" label={t('customers.fields.creditCode')}>
              <Input maxLength={18} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="tier" label={t('customers.fields.tier')} rules={[{ required: true }]}>
              <Select options={opts.codes('tiers', TIERS)} />
            </Form.Item>
          </Col>
        </Row>
      )}
      <PiiInputs current={c} />
      <OwnershipInputs
        units={units.data}
        canPickManager={c.kind === 'enterprise' && hasPermission(user, 'user.read')}
      />
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="status" label={t('customers.fields.status')}>
            <Select options={opts.codes('statuses', CUSTOMER_STATUSES)} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="industry" label={t('customers.fields.industry')}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="notes" label={t('customers.fields.notes')}>
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
    </FormDialog>
  );
}

type ContactFormValues = Record<string, unknown> & { quietStart?: string; quietEnd?: string };

/** 添加/编辑联系人; PII boxes start empty when editing (the masked value is the placeholder). */
export function ContactModal(props: {
  customerId: string;
  contact?: CustomerContact;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const opts = useOptions();
  const c = props.contact;
  const [form] = Form.useForm<ContactFormValues>();
  const initial: ContactFormValues = c
    ? {
        name: c.name,
        role: c.role,
        title: c.title,
        preferredChannel: c.preferredChannel,
        isPrimary: c.isPrimary,
        quietStart: c.quietHours?.start ?? '',
        quietEnd: c.quietHours?.end ?? '',
      }
    : { role: 'other', preferredChannel: 'phone', isPrimary: false };
  const invalidate = useInvalidate();
  const submit = async (v: ContactFormValues) => {
    const { quietStart, quietEnd, ...rest } = v;
    const quiet = quietStart && quietEnd ? { start: quietStart, end: quietEnd } : null;
    const path = { id: props.customerId };
    if (!c) {
      const body = { ...filledFields(rest), ...(quiet ? { quietHours: quiet } : {}) } as NewContact;
      await ok(api.POST('/api/v1/customers/{id}/contacts', { params: { path }, body }));
    } else {
      const changes = changedFields(initial, rest);
      if ((quietStart ?? '') !== initial.quietStart || (quietEnd ?? '') !== initial.quietEnd)
        changes.quietHours = quiet;
      if (Object.keys(changes).length === 0) return;
      const body = { ...changes, version: c.version } as ContactChange;
      await ok(
        api.PATCH('/api/v1/customers/{id}/contacts/{contactId}', {
          params: { path: { ...path, contactId: c.id } },
          body,
        }),
      );
    }
    await invalidate(queryKeys.allCustomers);
    void message.success(t('customers.edit.contactSaved'));
    props.onSaved();
  };
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  const time = [{ pattern: HHMM, message: t('customers.edit.timeFormat') }];
  // Quiet hours are a range: one end alone would be dropped, so it is refused.
  const bothEnds = (other: 'quietStart' | 'quietEnd') => [
    ...time,
    ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
      validator: (_: unknown, value?: string) =>
        Boolean(value) === Boolean(getFieldValue(other))
          ? Promise.resolve()
          : Promise.reject(new Error(t('customers.edit.quietBoth'))),
    }),
  ];
  return (
    <FormDialog<ContactFormValues>
      name="contact"
      testId="contact-modal"
      title={c ? t('customers.edit.editContact') : t('customers.edit.addContact')}
      creating={!c}
      form={form}
      onClose={props.onClose}
      onSubmit={submit}
      conflictReloads={[queryKeys.allCustomers]}
      onReloaded={props.onSaved}
      initialValues={initial}
    >
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="name" label={t('customers.contact.name')} rules={required}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="role" label={t('customers.contact.role')}>
            <Select options={opts.codes('contactRoles', CONTACT_ROLES)} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="title" label={t('customers.contact.title')}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name="mobile" label={t('customers.contact.mobile')}>
            <Input maxLength={32} placeholder={c?.mobile ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="officePhone" label={t('customers.contact.officePhone')}>
            <Input maxLength={32} placeholder={c?.officePhone ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="email" label={t('customers.contact.email')}>
            <Input maxLength={254} placeholder={c?.email ?? undefined} autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name="preferredChannel" label={t('customers.contact.preferredChannel')}>
            <Select options={opts.codes('channels', CHANNELS)} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={5}>
          <Form.Item
            name="quietStart"
            label={t('customers.edit.quietStart')}
            rules={bothEnds('quietEnd')}
            dependencies={['quietEnd']}
          >
            <Input placeholder="22:00" maxLength={5} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={5}>
          <Form.Item
            name="quietEnd"
            label={t('customers.edit.quietEnd')}
            rules={bothEnds('quietStart')}
            dependencies={['quietStart']}
          >
            <Input placeholder="08:00" maxLength={5} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={6}>
          <Form.Item name="isPrimary" label={t('customers.edit.isPrimary')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </FormDialog>
  );
}

/** Removes a contact after a confirmation. */
export function RemoveContact(props: { customerId: string; contact: CustomerContact; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const invalidate = useInvalidate();
  return (
    <Popconfirm
      title={t('customers.edit.removeContactConfirm', { name: props.contact.name })}
      okText={t('customers.edit.remove')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, 'data-testid': 'contact-remove-confirm' }}
      onConfirm={async () => {
        try {
          await ok(
            api.DELETE('/api/v1/customers/{id}/contacts/{contactId}', {
              params: { path: { id: props.customerId, contactId: props.contact.id } },
            }),
          );
          void message.success(t('customers.edit.contactRemoved'));
        } catch (err) {
          actionError(err);
        }
        await invalidate(queryKeys.allCustomers);
        props.onDone();
      }}
    >
      <Button type="link" size="small" danger data-testid={`contact-remove-${props.contact.id}`}>
        {t('customers.edit.remove')}
      </Button>
    </Popconfirm>
  );
}

/** 添加业务: a product from the catalogue and the resources its kind records. */
export function InstanceModal(props: { customer: Customer; onClose: () => void; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const opts = useOptions();
  const [form] = Form.useForm<Record<string, unknown>>();
  const products = useApiQuery(queryKeys.products, (signal) => ok(api.GET('/api/v1/products', { signal })));
  const segment = props.customer.kind === 'enterprise' ? 'enterprise' : 'consumer';
  const offered = (products.data ?? []).filter((p) => p.segment === 'both' || p.segment === segment);
  const productCode = Form.useWatch('productCode', form) as string | undefined;
  const product = offered.find((p) => p.code === productCode);
  const fields = RESOURCE_FIELDS[(product?.resourceKind ?? 'none') as ResourceKind];
  const add = useApiMutation(
    (v: Record<string, unknown>) =>
      ok(
        api.POST('/api/v1/customers/{id}/instances', {
          params: { path: { id: props.customer.id } },
          body: filledFields(v) as NewInstance,
        }),
      ),
    [queryKeys.allCustomers],
  );
  const input = (name: string): ReactNode => {
    switch (name) {
      case 'accessType':
        return <Select allowClear options={opts.codes('accessTypes', ACCESS_TYPES)} />;
      case 'deviceType':
        return <Select allowClear options={opts.codes('deviceTypes', DEVICE_TYPES)} />;
      case 'routeLengthKm':
      case 'switchOccupancy':
        return <InputNumber min={0} step={0.01} precision={2} style={{ width: '100%' }} />;
      case 'bandwidthMbps':
        return <InputNumber min={1} precision={0} style={{ width: '100%' }} />;
      default:
        return <Input maxLength={200} />;
    }
  };
  const labelOf = (name: string) =>
    ['deviceType', 'deviceId', 'routeLengthKm', 'switchOccupancy', 'bandwidthMbps', 'aEnd', 'zEnd'].includes(
      name,
    )
      ? t(`customers.edit.${name}` as 'customers.edit.deviceId')
      : t(`customers.instance.${name}` as 'customers.instance.exchange');
  return (
    <FormDialog<Record<string, unknown>>
      name="instance"
      testId="instance-modal"
      title={t('customers.edit.addInstance')}
      creating
      form={form}
      formProps={{ preserve: false }}
      onClose={props.onClose}
      onSubmit={async (v) => {
        await add.mutateAsync(v);
        props.onSaved();
      }}
      successMessage={t('customers.edit.instanceAdded')}
    >
      <Form.Item
        name="productCode"
        label={t('customers.instance.product')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <Select
          data-testid="instance-product"
          showSearch={{ optionFilterProp: 'label' }}
          loading={products.loading}
          placeholder={t('customers.edit.pickProduct')}
          options={offered.map((p) => ({
            value: p.code,
            label: i18n.language === 'en' ? p.nameEn : p.name,
          }))}
        />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={10}>
          <Form.Item
            name="accountNo"
            label={t('customers.instance.accountNo')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input maxLength={64} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item name="serviceAddress" label={t('customers.instance.serviceAddress')}>
            <Input maxLength={300} autoComplete="off" />
          </Form.Item>
        </Col>
        {/* Where the site is: the repair time limit depends on it (48 h in a town, 72 h in the countryside). */}
        <Col xs={24} sm={10}>
          <Form.Item name="locationClass" label={t('customers.instance.locationClass')}>
            <Select
              allowClear
              data-testid="instance-location-class"
              options={opts.codes('locationClasses', LOCATION_CLASSES)}
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        {fields.map((name) => (
          <Col xs={24} sm={12} key={name}>
            <Form.Item name={name} label={labelOf(name)}>
              {input(name)}
            </Form.Item>
          </Col>
        ))}
      </Row>
    </FormDialog>
  );
}

/** 暂停 / 恢复 an instance after a confirmation, 拆机 with a reason; the version guards a concurrent change. */
export function InstanceStatusActions(props: {
  customerId: string;
  instance: ProductInstance;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [terminating, setTerminating] = useState(false);
  const i = props.instance;
  const product = i.productName ?? i.productCode;
  const change = useApiMutation(
    (body: { status: 'active' | 'suspended' | 'terminated'; reason?: string }) =>
      ok(
        api.PATCH('/api/v1/customers/{id}/instances/{instanceId}', {
          params: { path: { id: props.customerId, instanceId: i.id } },
          body: { ...body, version: i.version },
        }),
      ),
    [queryKeys.allCustomers],
  );
  const confirmChange = async (status: 'active' | 'suspended') => {
    try {
      await change.mutateAsync({ status });
      void message.success(t('customers.edit.statusChanged'));
      props.onChanged();
    } catch (err) {
      if (errorKind(err) === 'conflict') void message.warning(t('common.conflict'));
      else actionError(err);
    }
  };
  return (
    <Space size={0}>
      {instanceTransitions(i.status).map((to) =>
        to === 'terminated' ? (
          <Button
            key={to}
            type="link"
            size="small"
            danger
            data-testid={`instance-${to}-${i.id}`}
            onClick={() => setTerminating(true)}
          >
            {t(`customers.edit.transitions.${to}`)}
          </Button>
        ) : (
          <Popconfirm
            key={to}
            title={t('customers.edit.transitionConfirm', {
              action: t(`customers.edit.transitions.${to}`),
              product,
            })}
            okText={t(`customers.edit.transitions.${to}`)}
            cancelText={t('common.cancel')}
            okButtonProps={{ 'data-testid': 'instance-status-confirm' }}
            onConfirm={() => confirmChange(to)}
          >
            <Button type="link" size="small" data-testid={`instance-${to}-${i.id}`}>
              {t(`customers.edit.transitions.${to}`)}
            </Button>
          </Popconfirm>
        ),
      )}
      {terminating ? (
        <FormDialog<{ reason: string }>
          name="terminate"
          testId="instance-terminate-modal"
          title={t('customers.edit.terminateTitle', { product })}
          okText={t('customers.edit.transitions.terminated')}
          intro={
            <Alert
              type="warning"
              showIcon
              title={t('customers.edit.terminateHint')}
              style={{ marginBottom: 16 }}
            />
          }
          onClose={() => setTerminating(false)}
          onSubmit={async ({ reason }) => {
            await change.mutateAsync({ status: 'terminated', reason: reason.trim() });
            props.onChanged();
          }}
          successMessage={t('customers.edit.statusChanged')}
          conflictReloads={[queryKeys.allCustomers]}
        >
          <Form.Item
            name="reason"
            label={t('customers.edit.terminateReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={500} placeholder={t('customers.edit.terminateReasonHint')} />
          </Form.Item>
        </FormDialog>
      ) : null}
    </Space>
  );
}
