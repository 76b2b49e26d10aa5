/** Desks that see a part of the requests in their scope (find-requests.ts has the conditions). */
export const DESKS = ['monitoring'] as const;
export type Desk = (typeof DESKS)[number];
