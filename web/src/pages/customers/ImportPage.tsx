import './texts.ts';
import { DownloadOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Flex, Progress, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorOf, sessionFetch } from '../../api/raw.ts';
import { ApiError } from '../../api/errors.ts';
import { useErrorText } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import {
  importPercent,
  problemRowsCsv,
  readEvents,
  translateProblems,
  type ImportEvent,
  type ImportProblem,
  type ImportReport,
  type Translate,
} from './importing.ts';

type State =
  | { step: 'idle' }
  | { step: 'running'; percent: number; line: string }
  | { step: 'done'; report: ImportReport; original: string | null }
  | { step: 'failed'; error: unknown };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 导入客户: upload a CSV/XLSX file, follow the server's progress, read and download the problems. */
export default function ImportPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [file, setFile] = useState<File>();
  const [dryRun, setDryRun] = useState(false);
  const [state, setState] = useState<State>({ step: 'idle' });

  const start = async () => {
    if (!file) return;
    const xlsx = /\.xlsx$/i.test(file.name);
    // The uploaded CSV's text, to hand back its rows with problems (a spreadsheet is not read here).
    const original = xlsx ? null : await file.text();
    setState({ step: 'running', percent: 0, line: t('customers.import.running') });
    try {
      const res = await sessionFetch(
        `/api/v1/customers/imports?${new URLSearchParams({
          fileName: file.name.slice(0, 200),
          ...(dryRun ? { dryRun: 'true' } : {}),
        })}`,
        {
          method: 'POST',
          headers: { 'content-type': xlsx ? XLSX_TYPE : 'text/csv', accept: 'application/x-ndjson' },
          body: file,
        },
      );
      if (!res.ok || !res.body) throw await errorOf(res);
      let outcome: State | undefined;
      await readEvents(res.body, (e: ImportEvent) => {
        if (e.type === 'progress') {
          setState({
            step: 'running',
            percent: importPercent(e),
            line: t('customers.import.progress', {
              phase: t(`customers.import.phases.${e.phase}`),
              done: e.done.toLocaleString(),
              total: e.total.toLocaleString(),
            }),
          });
        } else if (e.type === 'result') {
          const { type: _type, ...report } = e;
          outcome = { step: 'done', report, original };
        } else {
          outcome = { step: 'failed', error: new ApiError(422, e.code, e.message) };
        }
      });
      setState(outcome ?? { step: 'failed', error: new ApiError(0, 'NETWORK', 'stream ended') });
    } catch (error) {
      setState({ step: 'failed', error });
    }
  };

  const reset = () => {
    setFile(undefined);
    setState({ step: 'idle' });
  };

  return (
    <PageFrame
      testId="customer-import"
      title={t('customers.import.title')}
      subtitle={t('customers.import.subtitle')}
      extra={
        <>
          <a href="/api/v1/customers/imports/template?lang=zh-CN" download data-testid="template-zh">
            <Button icon={<DownloadOutlined />}>{t('customers.import.templateZh')}</Button>
          </a>
          <a href="/api/v1/customers/imports/template?lang=en" download data-testid="template-en">
            <Button icon={<DownloadOutlined />}>{t('customers.import.templateEn')}</Button>
          </a>
        </>
      }
    >
      <Card>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Upload.Dragger
            accept=".csv,.xlsx,text/csv"
            multiple={false}
            maxCount={1}
            disabled={state.step === 'running'}
            fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
            beforeUpload={(f) => {
              setFile(f);
              setState({ step: 'idle' });
              return false; // sent by start(), as the request body
            }}
            onRemove={reset}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('customers.import.pick')}</p>
            <p className="ant-upload-hint">{t('customers.import.pickHint')}</p>
          </Upload.Dragger>
          <Flex gap={16} align="center" wrap>
            <Checkbox
              checked={dryRun}
              onChange={(e) => setDryRun(e.target.checked)}
              disabled={state.step === 'running'}
              data-testid="import-dry-run"
            >
              {t('customers.import.dryRun')}
            </Checkbox>
            <Button
              type="primary"
              icon={<UploadOutlined />}
              disabled={!file}
              loading={state.step === 'running'}
              onClick={() => void start()}
              data-testid="import-start"
            >
              {dryRun ? t('customers.import.check') : t('customers.import.start')}
            </Button>
          </Flex>
          {state.step === 'running' ? (
            <div data-testid="import-progress">
              <Progress percent={state.percent} status="active" />
              <Typography.Text type="secondary">{state.line}</Typography.Text>
            </div>
          ) : null}
          {state.step === 'failed' ? (
            <Alert
              type="error"
              showIcon
              data-testid="import-failed"
              title={t('customers.import.failed')}
              description={
                <>
                  {errorText(state.error)}
                  {/* The file-level reason (not UTF-8/GBK, empty, unreadable) is only in the server's text. */}
                  {state.error instanceof ApiError && state.error.message !== errorText(state.error) ? (
                    <div data-testid="import-failed-detail">{state.error.message}</div>
                  ) : null}
                </>
              }
            />
          ) : null}
          {state.step === 'done' ? (
            <Outcome report={state.report} original={state.original} onAgain={reset} />
          ) : null}
        </Space>
      </Card>
    </PageFrame>
  );
}

function Outcome(props: { report: ImportReport; original: string | null; onAgain: () => void }) {
  const { t } = useTranslation();
  const r = props.report;
  if (r.ok) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="import-done"
        title={r.dryRun ? t('customers.import.checked', { ...r }) : t('customers.import.done', { ...r })}
        action={
          <Space orientation="vertical">
            <Link to="/customers">
              <Button size="small">{t('customers.import.open')}</Button>
            </Link>
            <Button size="small" onClick={props.onAgain}>
              {t('customers.import.another')}
            </Button>
          </Space>
        }
      />
    );
  }
  // Column and problem in the user's language (the server's English text for a code it does not know).
  const problems = translateProblems(r.errors, t as unknown as Translate);
  const download = () => {
    const csv = problemRowsCsv(problems, props.original, {
      row: t('customers.import.rowColumn'),
      column: t('customers.import.report.column'),
      problems: t('customers.import.problemsColumn'),
    });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = t('customers.import.badFile');
    a.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="import-rejected">
      <Alert
        type="error"
        showIcon
        title={
          r.truncated
            ? t('customers.import.rejectedMore', { count: r.errors.length })
            : t('customers.import.rejected', { count: r.errors.length })
        }
        description={t('customers.import.nothingImported')}
        action={
          <Button icon={<DownloadOutlined />} onClick={download} data-testid="import-download-bad">
            {t('customers.import.downloadBad')}
          </Button>
        }
      />
      <Table<ImportProblem>
        data-testid="import-report"
        rowKey={(p, i) => `${p.row}-${p.column ?? ''}-${i}`}
        size="small"
        dataSource={problems}
        pagination={problems.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        columns={[
          { title: t('customers.import.report.row'), dataIndex: 'row', width: 80 },
          {
            title: t('customers.import.report.column'),
            dataIndex: 'column',
            width: 180,
            render: (c: string | null) => c ?? t('common.none'),
          },
          { title: t('customers.import.report.message'), dataIndex: 'message' },
        ]}
      />
    </Space>
  );
}
