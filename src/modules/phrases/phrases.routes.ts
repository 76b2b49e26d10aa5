/** /phrases: canned phrases (常用语) — list, read, create, change (If-Match), delete, render. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import {
  expectedVersion,
  IF_MATCH,
  ifMatch,
  type IfMatchRule,
  withEtag,
} from '../../platform/http/if-match.ts';
import { hasChange, NOTHING_TO_CHANGE } from '../../platform/http/patch.ts';
import type { RenderContext } from './domain/render.ts';
import {
  MANAGE_PERSONAL,
  MANAGE_UNIT,
  createPhrase,
  deletePhrase,
  getPhrase,
  listPhrases,
  renderFor,
  updatePhrase,
} from './phrases.service.ts';
import type { ModuleContext } from './phrases.tables.ts';

const tags = ['phrases'];
const idParams = z.object({ id: z.uuid() });
const text = (max: number) => z.string().trim().min(1).max(max);
const scope = z.enum(['unit', 'personal']);
const tagList = z
  .array(text(20))
  .max(10)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a tag');

const phraseView = z.object({
  id: z.string(),
  scope,
  orgUnitId: z.string(),
  orgUnitName: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  variables: z.array(z.string()).describe('the {{variables}} the body uses'),
  editable: z.boolean().describe('whether you may change or delete it'),
  version: z.number().int(),
  updatedAt: z.iso.datetime({ offset: true }),
});

const phraseInput = z.strictObject({
  scope: scope.describe('unit: shared with the unit and every unit under it; personal: yours only'),
  orgUnitId: z.uuid().optional().describe('The unit that shares it (unit scope; default: yours)'),
  title: text(100),
  body: text(4000).describe(
    'The text, with {{customer.name}}, {{request.number}}, {{agent.name}}, {{today}} …',
  ),
  category: text(40).describe('问候语, 身份核实, 故障排查, 致歉, 结束语 …'),
  tags: tagList.optional(),
});

const phrasePatch = z
  .strictObject({
    title: text(100).optional(),
    body: text(4000).optional(),
    category: text(40).optional(),
    tags: tagList.optional(),
    version: z.number().int().positive().optional().describe('Or send the ETag as If-Match'),
  })
  .refine(hasChange, NOTHING_TO_CHANGE);

// Two levels are enough for every variable (customer.name, request.number …); no recursion.
const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const contextValue = z.union([scalar, z.record(z.string().max(40), scalar)]);
const renderBody = z.strictObject({
  context: z
    .record(z.string().max(40), contextValue)
    .describe(
      'Values for the variables, nested ({customer: {name}}) or dotted ({"customer.name"}); pass masked data',
    ),
  format: z.enum(['text', 'html']).default('text').describe('html: values are HTML-escaped'),
});
const rendered = z.object({
  phraseId: z.string(),
  version: z.number().int(),
  text: z.string(),
  unknown: z.array(z.string()).describe('variables that do not exist, left as written'),
  missing: z.array(z.string()).describe('variables the context gave no value for, left as written'),
});

// The phrases' If-Match takes quoted ETags only and names its fields in its own words.
const PHRASE_IF_MATCH: IfMatchRule = {
  ...IF_MATCH,
  malformed: ['If-Match', 'must be the ETag of the phrase, e.g. "3"'],
  differs: ['version', 'differs from the If-Match header'],
  form: 'quoted',
  least: 0,
};

const read = { access: { permission: 'phrase.read' } } as const;
const manage = { access: { anyPermission: [MANAGE_PERSONAL, MANAGE_UNIT] } } as const;

export function phraseRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    app.get(
      '/phrases',
      {
        schema: {
          tags,
          summary: 'The canned phrases you see: your unit’s and the units’ above it, and your own',
          querystring: z.strictObject({
            scope: scope.optional(),
            category: text(40).optional(),
            tag: text(20).optional(),
            q: text(100).optional().describe('text in the title or body'),
          }),
          response: { 200: z.object({ items: z.array(phraseView) }) },
        },
        config: read,
      },
      async (request) => ({ items: await listPhrases(ctx.db, callerOf(request, ctx.clock), request.query) }),
    );
    app.post(
      '/phrases',
      {
        schema: {
          tags,
          summary:
            'Add a phrase: personal (phrase.manage.personal) or for a unit in your scope (phrase.manage.unit)',
          body: phraseInput,
          response: { 201: phraseView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(withEtag(reply, await createPhrase(ctx.db, callerOf(request, ctx.clock), request.body))),
    );
    app.get(
      '/phrases/:id',
      {
        schema: {
          tags,
          summary: 'One phrase (ETag: its version)',
          params: idParams,
          response: { 200: phraseView },
        },
        config: read,
      },
      async (request, reply) =>
        withEtag(reply, await getPhrase(ctx.db, callerOf(request, ctx.clock), request.params.id)),
    );
    app.patch(
      '/phrases/:id',
      {
        schema: {
          tags,
          summary: 'Change a phrase; send If-Match (its ETag) or version: a stale one gets 409',
          params: idParams,
          body: phrasePatch,
          response: { 200: phraseView },
        },
        config: manage,
      },
      async (request, reply) => {
        const version = expectedVersion(request, request.body.version, PHRASE_IF_MATCH);
        const p = await updatePhrase(ctx.db, callerOf(request, ctx.clock), request.params.id, {
          ...request.body,
          version,
        });
        return withEtag(reply, p);
      },
    );
    app.delete(
      '/phrases/:id',
      {
        schema: {
          tags,
          summary: 'Delete a phrase (If-Match optional); audited',
          params: idParams,
          response: { 204: z.null() },
        },
        config: manage,
      },
      async (request, reply) => {
        await deletePhrase(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          ifMatch(request, PHRASE_IF_MATCH),
        );
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/phrases/:id/render',
      {
        schema: {
          tags,
          summary:
            'Fill a phrase in: agent.name, agent.unit, hotline and today from the server, the rest from context; ' +
            'unknown and missing variables are left visible and reported',
          params: idParams,
          body: renderBody,
          response: { 200: rendered },
        },
        config: read,
      },
      async (request) =>
        renderFor(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.body.context as RenderContext,
          request.body.format,
        ),
    );
  };
}
