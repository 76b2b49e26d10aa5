/** The agent's queues (工作台): each is a filter on open requests (find-requests.ts has the conditions). */
export const QUEUES = [
  'mine',
  'owned',
  'group',
  'unassigned',
  'urged',
  'escalated',
  'suspended',
  'open',
] as const;
export type Queue = (typeof QUEUES)[number];
