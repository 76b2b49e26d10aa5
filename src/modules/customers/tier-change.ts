/**
 * Listeners of a customer's tier change (集团级 … 本地C), run in the change's transaction: the
 * registry wires service requests' (the SLA of the customer's open requests is recomputed), so
 * that this module needs to know nothing of them.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';

export interface TierChange {
  customerId: string;
  from: string | null;
  to: string | null;
  at: Date;
}

export type TierChangeListener = (trx: AnyExecutor, change: TierChange) => Promise<void>;

const listeners: TierChangeListener[] = [];

/** Registers a listener (the registry, once at start-up). */
export function onCustomerTierChange(fn: TierChangeListener): void {
  if (!listeners.includes(fn)) listeners.push(fn);
}

export async function tierChanged(trx: AnyExecutor, change: TierChange): Promise<void> {
  for (const fn of listeners) await fn(trx, change);
}
