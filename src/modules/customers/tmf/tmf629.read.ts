/** TMF629 reads: our customers as TMF Customers, with what TMF629 keeps beside them. */
import { z } from 'zod';
import { selectFields } from '../../../platform/tmf/index.ts';
import { logAccess } from '../access-log.service.ts';
import type { Caller, CustomerDeps } from '../caller.ts';
import { loadInScope } from '../customer-checks.ts';
import { customerViews } from '../customer-read.ts';
import { contactsOf, type CustomerRow } from '../customers.repository.ts';
import { toTmfCustomer } from './tmf629.mapper.ts';
import { attributesOf, maskedMediaOf, NO_ATTRIBUTES } from './tmf629.store.ts';

export const isUuid = (v: unknown) => typeof v === 'string' && z.uuid().safeParse(v).success;

export async function tmfResources(deps: CustomerDeps, rows: CustomerRow[], base: string) {
  const ids = rows.map((r) => r.id);
  const [views, attributes, media, contacts] = await Promise.all([
    customerViews(deps.db, rows),
    attributesOf(deps.db, ids),
    maskedMediaOf(deps.db, deps.vault, rows),
    Promise.all(ids.map((id) => contactsOf(deps.db, id))),
  ]);
  return views.map((v, i) =>
    toTmfCustomer(
      v,
      {
        contacts: contacts[i]!.map((k) => ({ id: k.id, name: k.name, role: k.role })),
        attributes: attributes.get(v.id) ?? NO_ATTRIBUTES,
        contactMedium: media.get(v.id) ?? [],
      },
      base,
    ),
  );
}

export async function getTmf(deps: CustomerDeps, caller: Caller, id: string, base: string, fields?: string) {
  const row = await loadInScope(deps.db, caller, id);
  const [resource] = await tmfResources(deps, [row], base);
  await logAccess(deps.db, caller.actor, [id], 'tmf', 'view');
  return selectFields(resource!, fields);
}
