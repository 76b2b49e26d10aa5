import type { ModuleContext } from './identity.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from './caller.ts';
import {
  createSkillGroupBody,
  idParams,
  setSkillGroupMembersBody,
  skillGroup,
  skillGroupList,
  skillGroupListQuery,
  skillGroupMemberList,
  updateSkillGroupBody,
} from './identity.schemas.ts';
import {
  createSkillGroup,
  getSkillGroup,
  getSkillGroupMembers,
  listSkillGroupsInScope,
  setSkillGroupMembers,
  updateSkillGroup,
} from './skill-groups.service.ts';

export function skillGroupRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    const tags = ['skill-groups'];
    app.get(
      '/skill-groups',
      {
        schema: {
          tags,
          summary: 'Skill groups in your data scope',
          querystring: skillGroupListQuery,
          response: { 200: skillGroupList },
        },
        config: { access: { permission: 'skillgroup.read' } },
      },
      async (request) => ({
        items: await listSkillGroupsInScope(ctx.db, callerOf(request, ctx.clock), request.query.orgUnitId),
      }),
    );
    app.post(
      '/skill-groups',
      {
        schema: {
          tags,
          summary: 'Create a skill group',
          body: createSkillGroupBody,
          response: { 201: skillGroup },
        },
        config: { access: { permission: 'skillgroup.manage' } },
      },
      async (request, reply) =>
        reply.status(201).send(await createSkillGroup(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.get(
      '/skill-groups/:id',
      {
        schema: { tags, summary: 'One skill group', params: idParams, response: { 200: skillGroup } },
        config: { access: { permission: 'skillgroup.read' } },
      },
      async (request) => getSkillGroup(ctx.db, callerOf(request, ctx.clock), request.params.id),
    );
    app.patch(
      '/skill-groups/:id',
      {
        schema: {
          tags,
          summary: 'Change a skill group; send the version you read',
          params: idParams,
          body: updateSkillGroupBody,
          response: { 200: skillGroup },
        },
        config: { access: { permission: 'skillgroup.manage' } },
      },
      async (request) =>
        updateSkillGroup(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body),
    );
    app.get(
      '/skill-groups/:id/members',
      {
        schema: {
          tags,
          summary: 'Members of a skill group',
          params: idParams,
          response: { 200: skillGroupMemberList },
        },
        config: { access: { permission: 'skillgroup.read' } },
      },
      async (request) => ({
        items: await getSkillGroupMembers(ctx.db, callerOf(request, ctx.clock), request.params.id),
      }),
    );
    app.put(
      '/skill-groups/:id/members',
      {
        schema: {
          tags,
          summary: 'Replace the members of a skill group',
          params: idParams,
          body: setSkillGroupMembersBody,
          response: { 200: skillGroupMemberList },
        },
        config: { access: { permission: 'skillgroup.manage' } },
      },
      async (request) => ({
        items: await setSkillGroupMembers(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.body,
        ),
      }),
    );
  };
}
