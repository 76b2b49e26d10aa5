/**
 * Listeners of a change to what a customer's service commitments depend on — a service's location
 * class (城市 / 县城 / 农村) or an enterprise's signed contract — run in the change's transaction.
 * The registry wires service requests' (the SLA of the open requests concerned is recomputed), so
 * that this module needs to know nothing of them. Like `tier-change.ts` for the tier.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { LocationClass } from './domain/catalogue.ts';

export type ServiceFactsChange =
  | {
      kind: 'location_class';
      customerId: string;
      instanceId: string;
      from: LocationClass | null;
      to: LocationClass | null;
      at: Date;
    }
  /** A contract of the customer added or its name or period changed. */
  | { kind: 'contract'; customerId: string; contractNo: string; at: Date };

export type ServiceFactsListener = (trx: AnyExecutor, change: ServiceFactsChange) => Promise<void>;

const listeners: ServiceFactsListener[] = [];

/** Registers a listener (the registry, once at start-up). */
export function onServiceFactsChange(fn: ServiceFactsListener): void {
  if (!listeners.includes(fn)) listeners.push(fn);
}

export async function serviceFactsChanged(trx: AnyExecutor, change: ServiceFactsChange): Promise<void> {
  for (const fn of listeners) await fn(trx, change);
}
