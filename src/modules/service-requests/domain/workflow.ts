/**
 * Workflows as data and the pure state machine that runs them. A kind's workflow links the fixed
 * states (STATES) with actions; administrators change it without code (validated here). What an
 * action does beyond the state (a result recorded, the support line raised …) is fixed in code.
 */
import { isTerminal, STATES, type Kind, type State } from './catalogue.ts';

/** Actions that move a request between states, in the operator's words. */
export const ACTIONS = [
  'triage', // 预处理
  'dispatch', // 派单
  'take', // 接单
  'start', // 开始处理
  'arrive', // 到场: the technician is on site (fault repair); stops the arrival clock
  'suspend', // 挂起 (reason)
  'resume', // 解挂
  'escalate', // 升级 (reason): next support line
  'return', // 退单 (reason)
  'resolve', // 回单 (result)
  'callback', // 回访
  'confirm', // 客户确认 → 归档
  'close', // 归档
  'reopen', // 重开 (reason): the customer disagrees
  'cancel', // 撤单 (reason): withdrawn before anyone works on it → cancelled (terminal)
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that must say why; `resolve` must give its result. */
export const NEEDS_REASON: ReadonlySet<Action> = new Set([
  'suspend',
  'escalate',
  'return',
  'reopen',
  'cancel',
]);

/**
 * 撤单: the states from which a request may be cancelled — not yet worked on (nobody has taken it:
 * accepted, in triage, dispatched but not taken, returned). Taken or later it is resolved instead.
 */
export const CANCELLABLE_FROM: readonly State[] = ['accepted', 'triage', 'dispatched', 'returned'];
export const NEEDS_RESULT: ReadonlySet<Action> = new Set(['resolve']);

/**
 * 到场: the states in which the technician who took a fault may record arriving on site — taken
 * (went straight out) or in progress (after a remote look). Either way the work goes on on site.
 */
export const ARRIVE_FROM: readonly State[] = ['taken', 'in_progress'];

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

/** 撤单 from the early states the workflow has. */
export const cancelRule = (from: readonly State[]): TransitionRule => t('cancel', [...from], 'cancelled');

/** 到场 from the working states the workflow has, into 处理中 (the state is kept when already there). */
export const arriveRule = (from: readonly State[]): TransitionRule => t('arrive', [...from], 'in_progress');

/**
 * A stored workflow with 到场 added (migration 0045), or undefined when it has it already or has no
 * state to arrive from / into. An administrator's other rules stay as they are.
 */
export function withArrival(def: WorkflowDefinition): WorkflowDefinition | undefined {
  if (def.transitions.some((r) => r.action === 'arrive')) return undefined;
  const from = ARRIVE_FROM.filter((s) => def.states.includes(s));
  if (!from.length || !def.states.includes('in_progress')) return undefined;
  return { ...def, transitions: [...def.transitions, arriveRule(from)] };
}

/** With a callback (回访) before archiving; `triage`: 预处理 is required before dispatch. */
function withCallback(opts: {
  triage: 'required' | 'optional' | 'none';
  closeAtIntake: boolean;
  /** 到场 (on-site arrival): kinds whose work is done on site — fault repair. */
  arrival?: boolean;
}) {
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
    cancelRule(opts.triage === 'none' ? CANCELLABLE_FROM.filter((s) => s !== 'triage') : CANCELLABLE_FROM),
    ...(opts.arrival ? [arriveRule(ARRIVE_FROM)] : []),
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
      cancelRule(CANCELLABLE_FROM.filter((s) => s !== 'triage')),
    ],
    closeAtIntake,
  };
}

/** The seeded workflow of each kind (administrators change them: service_request_workflows). */
export const DEFAULT_WORKFLOWS: Readonly<Record<Kind, WorkflowDefinition>> = {
  consultation: withoutCallback(true),
  business_order: withCallback({ triage: 'none', closeAtIntake: false }),
  fault: withCallback({ triage: 'optional', closeAtIntake: false, arrival: true }),
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
 * `closed` present, `closed` and `cancelled` terminal, one target per (action, state), every state
 * reachable from accepted and able to reach closed (but `cancelled`, an end of its own).
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
    for (const s of r.from.filter(isTerminal))
      problems.push({
        code: 'CLOSED_NOT_TERMINAL',
        message: `"${s}" is terminal: action "${r.action}" cannot leave it`,
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
  // `cancelled` is terminal too: it need not lead to closed.
  for (const s of def.states)
    if (!backward.has(s) && s !== 'cancelled')
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
