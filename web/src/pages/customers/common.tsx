import './texts.ts';
import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { ApiError, errorKind, invalidFields } from '../../api/errors.ts';
import type { BodyOf } from '../../api/paths.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { useErrorText } from '../../components/errors.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import { isMasked, REVEAL_SECONDS, secondsLeft } from './reveal.ts';

export type RevealField = BodyOf<'/api/v1/customers/{id}/reveal', 'post'>['field'];

/** Minimum length of a reveal reason (the server's rule). */
const REASON_MIN = 4;

/** Text for a value the server sends as a code (kind, tier, status …), falling back to the code. */
export function useCodeLabel() {
  const { t } = useTranslation();
  return (group: string, code: string | null | undefined): string =>
    code ? tDynamic(t, `customers.${group}.${code}`, code) : t('common.none');
}

export function StatusTag({ status }: { status: string }) {
  const label = useCodeLabel();
  const color = status === 'active' ? 'green' : status === 'suspended' ? 'orange' : undefined;
  return <Tag color={color}>{label('statuses', status)}</Tag>;
}

type Shown = { value: string | null; until: number };

/**
 * The values revealed on a page, by field and record: kept above the fields so that a re-render
 * that re-creates a field (a layout change, a reload of the page's data) does not lose them.
 */
const RevealedValues = createContext<
  | { get: (key: string) => Shown | undefined; set: (key: string, shown: Shown | undefined) => void }
  | undefined
>(undefined);

export function RevealedValuesProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<ReadonlyMap<string, Shown>>(new Map());
  const set = useCallback((key: string, value: Shown | undefined) => {
    setShown((m) => {
      const next = new Map(m);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  }, []);
  const store = useMemo(() => ({ get: (key: string) => shown.get(key), set }), [shown, set]);
  return <RevealedValues.Provider value={store}>{children}</RevealedValues.Provider>;
}

/** A revealed value's state: in the page's store if there is one, else in the field. */
function useShown(key: string): [Shown | undefined, (shown: Shown | undefined) => void] {
  const store = useContext(RevealedValues);
  const [local, setLocal] = useState<Shown>();
  const setInStore = useCallback((v: Shown | undefined) => store?.set(key, v), [store, key]);
  return store ? [store.get(key), setInStore] : [local, setLocal];
}

/**
 * A masked value as the API sent it. Holders of pii.reveal get a reveal action: a stated reason,
 * an audited call, and the clear value for REVEAL_SECONDS before it is masked again.
 */
export function MaskedValue(props: {
  customerId: string;
  field: RevealField;
  value: string | null;
  label: string;
  contactId?: string;
  instanceId?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const user = useUser();
  // Offered only on a value actually masked: one shown in full has nothing to reveal.
  const canReveal = hasPermission(user, 'pii.reveal') && isMasked(props.value);
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useShown(`${props.field}:${props.contactId ?? ''}:${props.instanceId ?? ''}`);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!shown) return;
    const timer = window.setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= shown.until) setShown(undefined);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [shown, setShown]);

  if (!props.value) return <>{t('common.none')}</>;
  return (
    <Space size={4} wrap>
      {shown ? (
        <>
          <Typography.Text strong copyable={Boolean(shown.value)} data-testid={`${props.testId}-clear`}>
            {shown.value === null ? t('customers.reveal.empty') : <Data>{shown.value}</Data>}
          </Typography.Text>
          <Typography.Text type="secondary">
            {t('customers.reveal.shownFor', { count: secondsLeft(shown.until, now) })}
          </Typography.Text>
          <Button
            type="link"
            size="small"
            icon={<EyeInvisibleOutlined />}
            onClick={() => setShown(undefined)}
          >
            {t('customers.reveal.hide')}
          </Button>
        </>
      ) : (
        <>
          <span data-testid={props.testId} className="op-nowrap" translate="no">
            {props.value}
          </span>
          {canReveal ? (
            <Button
              type="link"
              size="small"
              icon={<EyeOutlined />}
              aria-label={`${t('customers.reveal.button')} ${props.label}`}
              data-testid={`${props.testId}-reveal`}
              onClick={() => setOpen(true)}
            >
              {t('customers.reveal.button')}
            </Button>
          ) : null}
        </>
      )}
      {open ? (
        <RevealModal
          {...props}
          onClose={() => setOpen(false)}
          onRevealed={(value) => {
            setOpen(false);
            const at = Date.now();
            setNow(at);
            setShown({ value, until: at + REVEAL_SECONDS * 1000 });
          }}
        />
      ) : null}
    </Space>
  );
}

function RevealModal(props: {
  customerId: string;
  field: RevealField;
  label: string;
  contactId?: string;
  instanceId?: string;
  onClose: () => void;
  onRevealed: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  // The server's reveal rules: a reason in real words, a daily cap per user.
  const revealErrorText = (err: unknown): string => {
    const details = err instanceof ApiError ? (err.details as { dailyCap?: number } | undefined) : undefined;
    if (details?.dailyCap) return t('customers.reveal.capReached', { count: details.dailyCap });
    if (invalidFields(err).includes('reason')) return t('customers.reveal.reasonVague');
    return errorText(err);
  };
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await ok(
        api.POST('/api/v1/customers/{id}/reveal', {
          params: { path: { id: props.customerId } },
          body: {
            field: props.field,
            reason: reason.trim(),
            ...(props.contactId ? { contactId: props.contactId } : {}),
            ...(props.instanceId ? { instanceId: props.instanceId } : {}),
          },
        }),
      );
      props.onRevealed(res.value);
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  };

  return (
    <Modal
      open
      title={t('customers.reveal.title', { field: props.label })}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('customers.reveal.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="reveal-modal"
    >
      <Alert
        type="info"
        showIcon
        title={t('customers.reveal.notice', { count: REVEAL_SECONDS })}
        style={{ marginBottom: 16 }}
      />
      {error ? (
        <Alert
          type="error"
          showIcon
          data-testid="reveal-error"
          title={
            errorKind(error) === 'forbidden' ? t('customers.reveal.forbidden') : t('errors.actionFailed')
          }
          description={revealErrorText(error)}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Form form={form} name="reveal" layout="vertical" onFinish={submit}>
        <Form.Item
          name="reason"
          label={t('customers.reveal.reason')}
          rules={[
            { required: true, whitespace: true, message: t('customers.reveal.reasonRequired') },
            {
              validator: async (_, v?: string) => {
                if (v && v.trim() && v.trim().length < REASON_MIN)
                  throw new Error(t('customers.reveal.reasonTooShort', { count: REASON_MIN }));
              },
            },
          ]}
        >
          <Input.TextArea
            autoFocus
            rows={3}
            maxLength={500}
            showCount
            placeholder={t('customers.reveal.reasonPlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
