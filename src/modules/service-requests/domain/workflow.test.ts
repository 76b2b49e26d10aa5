import { describe, expect, it } from 'vitest';
import { KINDS } from './catalogue.ts';
import { requestNumber } from './number.ts';
import {
  allowedActions,
  DEFAULT_WORKFLOWS,
  nextState,
  workflowProblems,
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
    expect(nextState(fault, 'accepted', 'resolve')).toEqual({ ok: false, allowed: ['triage', 'dispatch'] });
    expect(nextState(fault, 'closed', 'reopen')).toEqual({ ok: false, allowed: [] });
    // A complaint needs 预处理 before dispatch; a consultation has no callback.
    expect(nextState(DEFAULT_WORKFLOWS.complaint, 'accepted', 'dispatch')).toEqual({
      ok: false,
      allowed: ['triage'],
    });
    expect(allowedActions(DEFAULT_WORKFLOWS.consultation, 'resolved')).toEqual(['close', 'reopen']);
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
