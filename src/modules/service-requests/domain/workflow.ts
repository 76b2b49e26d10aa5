/**
 * Workflows as data and the pure state machine that runs them. A kind's workflow links the fixed
 * states (STATES) with actions; administrators change it without code (validated here). What an
 * action does beyond the state (a result recorded, the support line raised …) is fixed in code.
 */
import { STATES, type Kind, type State } from './catalogue.ts';

/** Actions that move a request between states, in the operator's words. */
export const ACTIONS = [
  'triage', // 预处理
  'dispatch', // 派单
  'take', // 接单
  'start', // 开始处理
  'suspend', // 挂起 (reason)
  'resume', // 解挂
  'escalate', // 升级 (reason): next support line
  'return', // 退单 (reason)
  'resolve', // 回单 (result)
  'callback', // 回访
  'confirm', // 客户确认 → 归档
  'close', // 归档
  'reopen', // 重开 (reason): the customer disagrees
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that must say why; `resolve` must give its result. */
export const NEEDS_REASON: ReadonlySet<Action> = new Set(['suspend', 'escalate', 'return', 'reopen']);
export const NEEDS_RESULT: ReadonlySet<Action> = new Set(['resolve']);

export interface TransitionRule {
  action: Action;
  from: State[];
  to: State;
}

export interface WorkflowDefinition {
  /** Always `accepted` (受理): every request starts there. */
  initial: State;
  states: State[];
  transitions: TransitionRule[];
  /** A request of this kind may be closed at intake when answered on the call (一次解决). */
  closeAtIntake: boolean;
}

const t = (action: Action, from: State[], to: State): TransitionRule => ({ action, from, to });

/** The part every kind shares: take, work, suspend, escalate, return, resolve. */
function workRules(): TransitionRule[] {
  return [
    t('take', ['dispatched'], 'taken'),
    t('start', ['taken', 'escalated'], 'in_progress'),
    t('suspend', ['taken', 'in_progress'], 'suspended'),
    t('resume', ['suspended'], 'in_progress'),
    t('escalate', ['taken', 'in_progress'], 'escalated'),
    t('return', ['dispatched', 'taken', 'in_progress'], 'returned'),
    t('resolve', ['in_progress', 'escalated'], 'resolved'),
  ];
}

/** With a callback (回访) before archiving; `triage`: 预处理 is required before dispatch. */
function withCallback(opts: { triage: 'required' | 'optional' | 'none'; closeAtIntake: boolean }) {
  const dispatchFrom: State[] =
    opts.triage === 'required'
      ? ['triage', 'returned']
      : opts.triage === 'optional'
        ? ['accepted', 'triage', 'returned']
        : ['accepted', 'returned'];
  const states: State[] = [...STATES];
  const rules = [
    ...(opts.triage === 'none' ? [] : [t('triage', ['accepted'], 'triage')]),
    t('dispatch', dispatchFrom, 'dispatched'),
    ...workRules(),
    t('callback', ['resolved'], 'callback'),
    t('confirm', ['callback'], 'closed'),
    t('reopen', ['resolved', 'callback'], 'in_progress'),
  ];
  return {
    initial: 'accepted' as const,
    states: opts.triage === 'none' ? states.filter((s) => s !== 'triage') : states,
    transitions: rules,
    closeAtIntake: opts.closeAtIntake,
  };
}

/** Without a callback: resolved requests are archived directly (or reopened). */
function withoutCallback(closeAtIntake: boolean): WorkflowDefinition {
  return {
    initial: 'accepted',
    states: STATES.filter((s) => s !== 'triage' && s !== 'callback'),
    transitions: [
      t('dispatch', ['accepted', 'returned'], 'dispatched'),
      ...workRules(),
      t('close', ['resolved'], 'closed'),
      t('reopen', ['resolved'], 'in_progress'),
    ],
    closeAtIntake,
  };
}

/** The seeded workflow of each kind (administrators change them: service_request_workflows). */
export const DEFAULT_WORKFLOWS: Readonly<Record<Kind, WorkflowDefinition>> = {
  consultation: withoutCallback(true),
  business_order: withCallback({ triage: 'none', closeAtIntake: false }),
  fault: withCallback({ triage: 'optional', closeAtIntake: false }),
  complaint: withCallback({ triage: 'required', closeAtIntake: false }),
  billing: withCallback({ triage: 'optional', closeAtIntake: true }),
  technical_support: withCallback({ triage: 'optional', closeAtIntake: false }),
  integration: withCallback({ triage: 'required', closeAtIntake: false }),
  suggestion: withoutCallback(true),
};

/** The actions allowed from a state, in declaration order (no duplicates). */
export function allowedActions(def: WorkflowDefinition, from: State): Action[] {
  return [...new Set(def.transitions.filter((r) => r.from.includes(from)).map((r) => r.action))];
}

export type Step = { ok: true; to: State } | { ok: false; allowed: Action[] };

/** Where an action leads from a state, or the actions that are allowed there instead. */
export function nextState(def: WorkflowDefinition, from: State, action: Action): Step {
  const rule = def.transitions.find((r) => r.action === action && r.from.includes(from));
  return rule ? { ok: true, to: rule.to } : { ok: false, allowed: allowedActions(def, from) };
}

export interface WorkflowProblem {
  code:
    | 'UNKNOWN_STATE'
    | 'INITIAL_NOT_ACCEPTED'
    | 'NO_CLOSED_STATE'
    | 'CLOSED_NOT_TERMINAL'
    | 'STATE_NOT_LISTED'
    | 'AMBIGUOUS_ACTION'
    | 'UNREACHABLE_STATE'
    | 'DEAD_END';
  message: string;
}

/**
 * Why a definition cannot be used, or an empty list: states known and listed, starts at accepted,
 * `closed` present and terminal, one target per (action, state), every state reachable from
 * accepted and able to reach closed.
 */
export function workflowProblems(def: WorkflowDefinition): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const known = new Set<string>(STATES);
  const listed = new Set<State>(def.states);
  for (const s of def.states)
    if (!known.has(s)) problems.push({ code: 'UNKNOWN_STATE', message: `unknown state "${s}"` });
  if (def.initial !== 'accepted')
    problems.push({ code: 'INITIAL_NOT_ACCEPTED', message: 'the initial state must be "accepted"' });
  if (!listed.has('closed'))
    problems.push({ code: 'NO_CLOSED_STATE', message: 'the workflow must have the terminal state "closed"' });
  for (const r of def.transitions) {
    for (const s of [...r.from, r.to])
      if (!listed.has(s))
        problems.push({
          code: 'STATE_NOT_LISTED',
          message: `action "${r.action}" uses state "${s}", not in states`,
        });
    if (r.from.includes('closed'))
      problems.push({
        code: 'CLOSED_NOT_TERMINAL',
        message: `"closed" is terminal: action "${r.action}" cannot leave it`,
      });
  }
  const seen = new Set<string>();
  for (const r of def.transitions)
    for (const s of r.from) {
      const key = `${r.action}@${s}`;
      if (seen.has(key))
        problems.push({
          code: 'AMBIGUOUS_ACTION',
          message: `action "${r.action}" is defined twice from "${s}"`,
        });
      seen.add(key);
    }
  if (problems.length) return problems;
  const forward = reach(
    def,
    [def.initial],
    (r) => r.from,
    (r) => [r.to],
  );
  for (const s of def.states)
    if (!forward.has(s))
      problems.push({ code: 'UNREACHABLE_STATE', message: `state "${s}" cannot be reached from "accepted"` });
  const backward = reach(
    def,
    ['closed'],
    (r) => [r.to],
    (r) => r.from,
  );
  for (const s of def.states)
    if (!backward.has(s))
      problems.push({ code: 'DEAD_END', message: `state "${s}" cannot lead to "closed"` });
  return problems;
}

/** States reached from `start` following rules from `src(rule)` to `dst(rule)`. */
function reach(
  def: WorkflowDefinition,
  start: State[],
  src: (r: TransitionRule) => State[],
  dst: (r: TransitionRule) => State[],
): Set<State> {
  const seen = new Set<State>(start);
  const queue = [...start];
  while (queue.length) {
    const s = queue.shift()!;
    for (const r of def.transitions)
      if (src(r).includes(s))
        for (const n of dst(r))
          if (!seen.has(n)) {
            seen.add(n);
            queue.push(n);
          }
  }
  return seen;
}
