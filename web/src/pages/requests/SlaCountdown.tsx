// Live SLA countdowns: one shared one-second ticker for every countdown on screen, the colours of
// a clock's tone, and the countdown tag a queue row shows (its request's nearest open deadline).
import './texts.ts';
import { Tag, Tooltip } from 'antd';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueClock } from '../../api/models.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { clockTone, countdown, type ClockTone, type Countdown } from './sla-clock.ts';

const listeners = new Set<() => void>();
let now = Date.now();
let ticker: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!ticker) {
    now = Date.now();
    ticker = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
}

/** The time now (ms), renewed every second while a countdown is on screen. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** A tone's tag colour: blue on track, amber warned, red breached, purple paused, green met. */
export const TONE_COLORS: Record<ClockTone, string> = {
  onTrack: 'blue',
  warned: 'gold',
  breached: 'red',
  paused: 'purple',
  met: 'green',
  stopped: 'default',
};

/** A countdown as words: "剩余 2小时5分钟", "超时 10分钟", "12月7日 10:20 达成" … */
export function useCountdownText() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  return (c: Countdown): string => {
    switch (c.kind) {
      case 'left':
        return t('sla.clocks.left', { time: fmt.duration(c.seconds) });
      case 'over':
        return t('sla.clocks.over', { time: fmt.duration(c.seconds) });
      case 'paused':
        return t('sla.clocks.tones.paused');
      case 'met':
        return t('sla.clocks.met', { time: fmt.dateTime(c.at) });
      case 'metLate':
        return t('sla.clocks.metLate', { time: fmt.dateTime(c.at), late: fmt.duration(c.lateSeconds) });
      case 'stopped':
        return t('sla.clocks.tones.stopped');
    }
  };
}

/** A target's name (响应, 修复/恢复 …) in the console's language. */
export function useTargetName() {
  const { t } = useTranslation();
  return (target: QueueClock['target']): string => t(`sla.policies.targets.${target}`);
}

/**
 * A queue row's countdown: the target of the request's nearest open deadline and the time left
 * (or overdue), coloured by tone; the deadline in the user's time zone on hover. Nothing when the
 * request has no open clock.
 */
export function QueueCountdown({ clock }: { clock: QueueClock | null | undefined }) {
  return clock ? <LiveCountdown clock={clock} /> : null;
}

function LiveCountdown({ clock }: { clock: QueueClock }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const target = useTargetName();
  const text = useCountdownText();
  const at = useNow();
  const facts = { ...clock, metAt: null };
  const tone = clockTone(facts, at);
  const title = [
    clock.deadline
      ? t('sla.clocks.deadlineAt', { time: fmt.dateTime(clock.deadline) })
      : t('sla.clocks.paused'),
    clock.provisional ? t('sla.clocks.provisionalHelp') : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Tooltip title={title}>
      <Tag
        color={TONE_COLORS[tone]}
        data-testid="sla-countdown"
        data-tone={tone}
        data-target={clock.target}
        style={{ marginInlineEnd: 0 }}
      >
        {target(clock.target)} {text(countdown(facts, at))}
        {clock.provisional ? ` · ${t('sla.clocks.provisional')}` : null}
      </Tag>
    </Tooltip>
  );
}
