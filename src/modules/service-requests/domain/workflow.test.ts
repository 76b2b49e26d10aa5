import { describe, expect, it } from 'vitest';
import { KINDS } from './catalogue.ts';
import { requestNumber } from './number.ts';
import {
  allowedActions,
  ARRIVE_FROM,
  DEFAULT_WORKFLOWS,
  NEEDS_REASON,
  nextState,
  workflowProblems,
  withArrival,
  type WorkflowDefinition,
} from './workflow.ts';

const fault = DEFAULT_WORKFLOWS.fault;

describe('the seeded workflows', () => {
  it.each(KINDS)('%s is valid', (kind) => {
    expect(workflowProblems(DEFAULT_WORKFLOWS[kind])).toEqual([]);
  });

  it('runs a fault from 受理 to 归档 through every side path', () => {
    let s = fault.initial;
    const path = [
      'triage',
      'dispatch',
      'take',
      'start',
      'suspend',
      'resume',
      'escalate',
      'start',
      'return',
      'dispatch',
      'take',
      'start',
      'resolve',
      'callback',
      'reopen',
      'resolve',
      'callback',
      'confirm',
    ] as const;
    for (const a of path) {
      const step = nextState(fault, s, a);
      if (!step.ok) throw new Error(`${a} refused in ${s}`);
      s = step.to;
    }
    expect(s).toBe('closed');
  });

  it('refuses an action not allowed, naming the allowed ones', () => {
    expect(nextState(fault, 'accepted', 'resolve')).toEqual({
      ok: false,
      allowed: ['triage', 'dispatch', 'cancel'],
    });
    expect(nextState(fault, 'closed', 'reopen')).toEqual({ ok: false, allowed: [] });
    // A complaint needs 预处理 before dispatch; a consultation has no callback.
    expect(nextState(DEFAULT_WORKFLOWS.complaint, 'accepted', 'dispatch')).toEqual({
      ok: false,
      allowed: ['triage', 'cancel'],
    });
    expect(allowedActions(DEFAULT_WORKFLOWS.consultation, 'resolved')).toEqual(['close', 'reopen']);
  });

  it('cancels (撤单) a request nobody has worked on yet, into a terminal state, with a reason', () => {
    for (const kind of KINDS) {
      const w = DEFAULT_WORKFLOWS[kind];
      for (const s of ['accepted', 'dispatched', 'returned'] as const)
        expect(nextState(w, s, 'cancel'), `${kind} ${s}`).toEqual({ ok: true, to: 'cancelled' });
      for (const s of ['taken', 'in_progress', 'suspended', 'escalated', 'resolved', 'closed'] as const)
        expect(nextState(w, s, 'cancel').ok, `${kind} ${s}`).toBe(false);
      expect(allowedActions(w, 'cancelled'), kind).toEqual([]);
      expect(workflowProblems(w), kind).toEqual([]);
    }
    expect(nextState(fault, 'triage', 'cancel')).toEqual({ ok: true, to: 'cancelled' });
    expect(NEEDS_REASON.has('cancel')).toBe(true);
    const leaving = structuredClone(fault);
    leaving.transitions.push({ action: 'reopen', from: ['cancelled'], to: 'in_progress' });
    expect(workflowProblems(leaving).map((p) => p.code)).toContain('CLOSED_NOT_TERMINAL');
  });

  it('records a fault technician arriving on site (到场) while working on it, not before or after', () => {
    expect(nextState(fault, 'taken', 'arrive')).toEqual({ ok: true, to: 'in_progress' });
    expect(nextState(fault, 'in_progress', 'arrive')).toEqual({ ok: true, to: 'in_progress' });
    for (const s of ['accepted', 'dispatched', 'suspended', 'escalated', 'resolved', 'closed'] as const)
      expect(nextState(fault, s, 'arrive').ok, s).toBe(false);
    // The buttons the console shows keep their order; 到场 comes after them.
    expect(allowedActions(fault, 'taken')).toEqual(['start', 'suspend', 'escalate', 'return', 'arrive']);
    expect(NEEDS_REASON.has('arrive')).toBe(false);
    // Only fault repair is done on site.
    for (const kind of KINDS.filter((k) => k !== 'fault'))
      expect(allowedActions(DEFAULT_WORKFLOWS[kind], 'in_progress'), kind).not.toContain('arrive');
  });

  it('adds 到场 to a stored workflow that lacks it (migration 0045), from the working states it has', () => {
    const old: WorkflowDefinition = {
      ...structuredClone(fault),
      transitions: fault.transitions.filter((r) => r.action !== 'arrive'),
    };
    const next = withArrival(old)!;
    expect(next.transitions.filter((r) => r.action === 'arrive')).toEqual([
      { action: 'arrive', from: [...ARRIVE_FROM], to: 'in_progress' },
    ]);
    expect(workflowProblems(next)).toEqual([]);
    expect(next.transitions.slice(0, -1)).toEqual(old.transitions);
    // Already there: left alone. An administrator's workflow without 接单 arrives from 处理中 only.
    expect(withArrival(next)).toBeUndefined();
    const noTake = { ...old, states: old.states.filter((s) => s !== 'taken') };
    expect(withArrival(noTake)!.transitions.at(-1)!.from).toEqual(['in_progress']);
  });

  it('lets consultations, billing enquiries and suggestions close at intake, not faults', () => {
    expect(KINDS.filter((k) => DEFAULT_WORKFLOWS[k].closeAtIntake)).toEqual([
      'consultation',
      'billing',
      'suggestion',
    ]);
  });
});

describe('workflow validation', () => {
  const base = (): WorkflowDefinition => structuredClone(DEFAULT_WORKFLOWS.consultation);
  const codes = (d: WorkflowDefinition) => workflowProblems(d).map((p) => p.code);

  it('needs a closed terminal state', () => {
    const d = base();
    d.states = d.states.filter((s) => s !== 'closed');
    d.transitions = d.transitions.filter((t) => t.to !== 'closed');
    expect(codes(d)).toContain('NO_CLOSED_STATE');
    const leaving = base();
    leaving.transitions.push({ action: 'reopen', from: ['closed'], to: 'in_progress' });
    expect(codes(leaving)).toContain('CLOSED_NOT_TERMINAL');
  });

  it('needs every state reachable and able to end', () => {
    const d = base();
    d.transitions = d.transitions.filter((t) => t.action !== 'resume');
    expect(codes(d)).toEqual(['DEAD_END']);
    const u = base();
    u.transitions = u.transitions.filter((t) => t.action !== 'suspend');
    expect(codes(u)).toEqual(['UNREACHABLE_STATE']);
  });

  it('refuses unknown or unlisted states, another initial state, ambiguous actions', () => {
    const d = base();
    d.states.push('bogus' as never);
    expect(codes(d)).toContain('UNKNOWN_STATE');
    const i = base();
    i.initial = 'dispatched';
    expect(codes(i)).toContain('INITIAL_NOT_ACCEPTED');
    const l = base();
    l.transitions.push({ action: 'callback', from: ['resolved'], to: 'callback' });
    expect(codes(l)).toContain('STATE_NOT_LISTED');
    const a = base();
    a.transitions.push({ action: 'close', from: ['resolved'], to: 'in_progress' });
    expect(codes(a)).toContain('AMBIGUOUS_ACTION');
  });
});

describe('request numbers', () => {
  it('are province code + China date + sequence', () => {
    // 2026-12-06 17:00 UTC is already 7 December in China.
    expect(requestNumber('CT.JS.10000', new Date('2026-12-06T17:00:00Z'), 42)).toBe('JS20261207000042');
    expect(requestNumber('CT', new Date('2026-12-06T01:00:00Z'), '1234567')).toBe('CN202612061234567');
  });
});
