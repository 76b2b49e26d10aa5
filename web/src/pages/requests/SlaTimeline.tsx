// The timeline's SLA entries (kind `sla`), written by the SLA scheduler through service requests'
// port as a code and its parameters (details): a warning at a share of a target, or its breach,
// whom it told, and on a breach the priority raised and the request escalated one support line;
// and on a reopen (重开) the targets that count on from the original report.
import './texts.ts';
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QueueClock, TimelineEntry } from '../../api/models.ts';
import { Data } from '../../components/Data.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { useRequestLabel } from './common.tsx';
import { useTargetName } from './SlaCountdown.tsx';

interface SlaStepDetails {
  target: QueueClock['target'];
  percent: number;
  kind: 'warning' | 'breach';
  period: number;
  policy: string;
  dueAt: string;
  deadline: string | null;
  notified: { role: string; userId: string }[];
  priority?: { from: string; to: string };
  supportLine?: { from: number; to: number };
}

const TARGETS = new Set(['response', 'feedback', 'arrival', 'restoration', 'resolution', 'progress']);

/** A warning or breach step as the scheduler wrote it, else undefined (then the body is shown). */
export function slaStep(e: TimelineEntry): SlaStepDetails | undefined {
  const d = e.details as Partial<SlaStepDetails>;
  return e.kind === 'sla' &&
    (d.kind === 'warning' || d.kind === 'breach') &&
    typeof d.target === 'string' &&
    TARGETS.has(d.target) &&
    typeof d.percent === 'number'
    ? ({ ...d, notified: Array.isArray(d.notified) ? d.notified : [] } as SlaStepDetails)
    : undefined;
}

export function SlaStep({ details: d }: { details: SlaStepDetails }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const label = useRequestLabel();
  const targetName = useTargetName();
  const target =
    d.target === 'progress' && d.period > 1
      ? `${targetName(d.target)} · ${t('sla.clocks.period', { n: d.period })}`
      : targetName(d.target);
  const roles = [...new Set(d.notified.map((n) => n.role))].map((r) =>
    tDynamic(t, `sla.clocks.timeline.roles.${r}`, r),
  );
  return (
    <Typography.Paragraph
      style={{ marginTop: 4, marginBottom: 0 }}
      data-testid="timeline-sla"
      data-step={d.kind}
    >
      <Tag color={d.kind === 'breach' ? 'red' : 'gold'}>
        {d.kind === 'breach'
          ? t('sla.clocks.timeline.breach', { target })
          : t('sla.clocks.timeline.warning', { target, percent: d.percent })}
      </Tag>
      {d.deadline ? t('sla.clocks.timeline.deadline', { time: fmt.dateTime(d.deadline) }) : null}
      {d.policy ? (
        <>
          {' · '}
          {t('sla.clocks.timeline.policy')} <Data>{d.policy}</Data>
        </>
      ) : null}
      {d.priority ? (
        <>
          {' · '}
          {t('sla.clocks.timeline.priority', {
            from: label('priorities', d.priority.from),
            to: label('priorities', d.priority.to),
          })}
        </>
      ) : null}
      {d.supportLine ? (
        <>
          {' · '}
          {t('sla.clocks.timeline.escalated', {
            line: tDynamic(t, `requests.view.lines.${d.supportLine.to}`, String(d.supportLine.to)),
          })}
        </>
      ) : null}
      {roles.length ? (
        <>
          {' · '}
          {t('sla.clocks.timeline.notified', { who: roles.join(t('sla.clocks.timeline.separator')) })}
        </>
      ) : null}
    </Typography.Paragraph>
  );
}

interface SlaReopenDetails {
  reason: 'reopened';
  clocks: { target: QueueClock['target']; policy: string; deadline: string | null; overdue: boolean }[];
}

/** The SLA's entry on a reopen (details.reason `reopened`), else undefined (then the body is shown). */
export function slaReopened(e: TimelineEntry): SlaReopenDetails | undefined {
  const d = e.details as Partial<SlaReopenDetails>;
  return e.kind === 'sla' &&
    d.reason === 'reopened' &&
    Array.isArray(d.clocks) &&
    d.clocks.every((c) => typeof c === 'object' && c !== null && TARGETS.has(c.target))
    ? (d as SlaReopenDetails)
    : undefined;
}

export function SlaReopened({ details: d }: { details: SlaReopenDetails }) {
  const { t } = useTranslation();
  const targetName = useTargetName();
  const targets = d.clocks
    .map((c) =>
      c.overdue ? t('sla.reasons.overdue', { target: targetName(c.target) }) : targetName(c.target),
    )
    .join(t('sla.clocks.timeline.separator'));
  return (
    <Typography.Paragraph style={{ marginTop: 4, marginBottom: 0 }} data-testid="timeline-sla-reopened">
      <Tag color="orange">{t('sla.clocks.timeline.kind')}</Tag>
      {t('sla.reasons.reopenedEntry', { targets })}
    </Typography.Paragraph>
  );
}
