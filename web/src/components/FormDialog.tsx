import type { QueryKey } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, type FormInstance, type FormProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorKind, isVersionConflict, serverFieldErrors } from '../api/errors.ts';
import { useInvalidate } from '../api/query.tsx';
import { useActionError } from './errors.tsx';

/**
 * Runs a form's save, the one place that decides where a failure goes: fields the server names
 * (`details.fields[].field`, or `details.field` of a 409 such as a number already taken) onto
 * those fields, a 409 (the record changed since it was read) into a notice offering to reload,
 * anything else a notification. Used by FormDialog and by forms that sit on a page (the org unit
 * detail).
 */
export function useFormSubmit<V>(form: FormInstance<V>, run: (values: V) => Promise<void>) {
  const actionError = useActionError();
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState(false);
  const submit = async (values: V) => {
    setSaving(true);
    setConflict(false);
    try {
      await run(values);
    } catch (err) {
      if (isVersionConflict(err)) setConflict(true);
      else if (!showOnFields(form, err)) actionError(err);
    } finally {
      setSaving(false);
    }
  };
  return { saving, conflict, submit };
}

/**
 * Puts a validation error on the fields it names — or a 409 that names one (a number already
 * taken); false when none of them is in this form.
 */
function showOnFields<V>(form: FormInstance<V>, err: unknown): boolean {
  const kind = errorKind(err);
  if (kind !== 'invalid' && kind !== 'conflict') return false;
  const present = new Set(Object.keys((form.getFieldsValue(true) as object | undefined) ?? {}));
  const fields = serverFieldErrors(err).filter((f) => present.has(String(f.name[0])));
  if (!fields.length) return false;
  form.setFields(fields.map((f) => ({ name: f.name as never, errors: f.errors })));
  return true;
}

/** "Someone else changed this": reloads what the dialog was editing (the caller closes it). */
export function ConflictNotice({ onReload }: { onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="edit-conflict"
      title={t('common.conflict')}
      action={
        <Button size="small" onClick={onReload} data-testid="edit-conflict-reload">
          {t('common.reloadNow')}
        </Button>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

export interface FormDialogProps<V> {
  title: ReactNode;
  /** The Form's name: its fields get ids `<name>_<field>`. */
  name: string;
  /** A new record (the button says Create) or a change (Save); `okText` overrides both. */
  creating?: boolean;
  okText?: string;
  width?: number;
  testId?: string;
  /** A form instance of the caller's (for Form.useWatch); one is made otherwise. */
  form?: FormInstance<V>;
  initialValues?: FormProps<V>['initialValues'];
  /** Sends the change; throws the API's error. The dialog closes when it resolves. */
  onSubmit: (values: V) => Promise<void>;
  /** Said once the change is saved. */
  successMessage?: string;
  onClose: () => void;
  /** What a 409 reloads (the record's and its lists' query keys) before the dialog closes. */
  conflictReloads?: readonly QueryKey[];
  /** Called instead of onClose once a conflict was reloaded. */
  onReloaded?: () => void;
  /** Above the form (an explanation). */
  intro?: ReactNode;
  formProps?: Omit<FormProps<V>, 'form' | 'name' | 'onFinish' | 'initialValues' | 'children'>;
  children: ReactNode;
}

/**
 * Every create/edit dialog: an Ant Design form in a modal, its submit, server errors on their
 * fields and the version conflict with its reload offer (useFormSubmit).
 */
export function FormDialog<V extends object>(props: FormDialogProps<V>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [own] = Form.useForm<V>();
  const form = props.form ?? own;
  const invalidate = useInvalidate();
  const { saving, conflict, submit } = useFormSubmit(form, async (values: V) => {
    await props.onSubmit(values);
    if (props.successMessage) void message.success(props.successMessage);
    props.onClose();
  });
  const reload = () => {
    void invalidate(...(props.conflictReloads ?? []));
    (props.onReloaded ?? props.onClose)();
  };
  return (
    <Modal
      open
      width={props.width ?? 640}
      title={props.title}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={props.okText ?? (props.creating ? t('common.create') : t('common.save'))}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      data-testid={props.testId}
    >
      {conflict ? <ConflictNotice onReload={reload} /> : null}
      {props.intro}
      <Form<V>
        layout="vertical"
        {...props.formProps}
        form={form}
        name={props.name}
        initialValues={props.initialValues}
        onFinish={(values) => void submit(values)}
      >
        {props.children}
      </Form>
    </Modal>
  );
}
