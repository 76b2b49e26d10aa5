import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from './caller.ts';
import { createOrgUnitBody, idParams, orgUnit, orgUnitList, updateOrgUnitBody } from './identity.schemas.ts';
import { createOrgUnit, getOrgUnit, listOrgUnits, updateOrgUnit } from './org-units.service.ts';

export function orgUnitRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    const tags = ['org-units'];
    app.get(
      '/org-units',
      {
        schema: { tags, summary: 'Every org unit in your data scope', response: { 200: orgUnitList } },
        config: { access: { permission: 'org.read' } },
      },
      async (request) => ({ items: await listOrgUnits(ctx.db, callerOf(request, ctx.clock)) }),
    );
    app.post(
      '/org-units',
      {
        schema: {
          tags,
          summary: 'Create an org unit below a unit in your scope',
          body: createOrgUnitBody,
          response: { 201: orgUnit },
        },
        config: { access: { permission: 'org.manage' } },
      },
      async (request, reply) =>
        reply.status(201).send(await createOrgUnit(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.get(
      '/org-units/:id',
      {
        schema: { tags, summary: 'One org unit', params: idParams, response: { 200: orgUnit } },
        config: { access: { permission: 'org.read' } },
      },
      async (request) => getOrgUnit(ctx.db, callerOf(request, ctx.clock), request.params.id),
    );
    app.patch(
      '/org-units/:id',
      {
        schema: {
          tags,
          summary: 'Rename, move, (de)activate an org unit; send the version you read',
          params: idParams,
          body: updateOrgUnitBody,
          response: { 200: orgUnit },
        },
        config: { access: { permission: 'org.manage' } },
      },
      async (request) => updateOrgUnit(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body),
    );
  };
}
