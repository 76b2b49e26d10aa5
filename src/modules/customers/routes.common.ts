/** What the customer route files share: their dependencies, access rules and path parameters. */
import { z } from 'zod';
import type { ModuleContext } from '../../context.ts';
import type { CustomerDeps } from './caller.ts';
import type { OpenRequestsProvider } from './customer-360.service.ts';

export interface CustomerRouteOptions {
  /** Open requests for the 360 view; the requests module supplies it once it exists. */
  openRequests?: OpenRequestsProvider;
}

export interface CustomerRouteEnv {
  ctx: ModuleContext;
  deps: CustomerDeps;
  opts: CustomerRouteOptions;
}

export const tags = ['customers'];
export const read = { access: { permission: 'customer.read' } } as const;
export const manage = { access: { permission: 'customer.manage' } } as const;

export const idParams = z.object({ id: z.uuid() });
export const contactParams = z.object({ id: z.uuid(), contactId: z.uuid() });
export const instanceParams = z.object({ id: z.uuid(), instanceId: z.uuid() });
