/** /sla/…: business calendars, the national schedule, overrides and the calendar check (policies: policy.routes.ts). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { expectedVersion, ifMatch, withEtag } from '../../platform/http/if-match.ts';
import {
  checkAdd,
  checkBetween,
  createCalendar,
  createOverride,
  deleteOverride,
  getCalendar,
  getYear,
  listCalendars,
  listOverrides,
  listYears,
  putYear,
  updateCalendar,
  updateOverride,
} from './calendar.service.ts';
import {
  addInput,
  addView,
  betweenInput,
  betweenView,
  calendarInput,
  calendarList,
  calendarPatch,
  calendarView,
  overrideInput,
  overrideList,
  overridePatch,
  overrideQuery,
  overrideView,
  yearInput,
  yearList,
  yearParams,
  yearView,
} from './sla.schemas.ts';
import type { ModuleContext } from './sla.tables.ts';

const tags = ['sla'];
const read = { access: { anyPermission: ['sla.calendar.read', 'sla.calendar.manage'] } } as const;
const manage = { access: { permission: 'sla.calendar.manage' } } as const;
const codeParams = z.object({ code: z.string().min(1).max(64) });
const idParams = z.object({ id: z.uuid() });

export function slaRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    app.get(
      '/sla/calendars',
      {
        schema: {
          tags,
          summary: 'Business calendars: the built-in ones (24x7, cn-workdays, cn-office) and the units’ own',
          response: { 200: calendarList },
        },
        config: read,
      },
      async () => ({ items: await listCalendars(ctx.db) }),
    );
    app.get(
      '/sla/calendars/:code',
      {
        schema: {
          tags,
          summary: 'One calendar (ETag: its version)',
          params: codeParams,
          response: { 200: calendarView },
        },
        config: read,
      },
      async (request, reply) => withEtag(reply, await getCalendar(ctx.db, request.params.code)),
    );
    app.post(
      '/sla/calendars',
      {
        schema: {
          tags,
          summary:
            "Define an org unit's calendar (hours, breaks, zone; optionally standing in for a built-in one); audited",
          body: calendarInput,
          response: { 201: calendarView },
        },
        config: manage,
      },
      async (request, reply) => {
        const view = await createCalendar(ctx.db, callerOf(request, ctx.clock), request.body);
        return reply.status(201).send(withEtag(reply, view));
      },
    );
    app.patch(
      '/sla/calendars/:code',
      {
        schema: {
          tags,
          summary: "Change a unit's calendar (If-Match or version: a stale one gets 409); audited",
          params: codeParams,
          body: calendarPatch,
          response: { 200: calendarView },
        },
        config: manage,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        const view = await updateCalendar(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.code,
          request.body,
          expected,
        );
        return withEtag(reply, view);
      },
    );

    app.get(
      '/sla/calendar-overrides',
      {
        schema: {
          tags,
          summary: "Org units' overrides: closures (a typhoon day) and extra working days",
          querystring: overrideQuery,
          response: { 200: overrideList },
        },
        config: read,
      },
      async (request) => ({ items: await listOverrides(ctx.db, request.query) }),
    );
    app.post(
      '/sla/calendar-overrides',
      {
        schema: {
          tags,
          summary: "Add an override to an org unit's calendars (and its units'); audited",
          body: overrideInput,
          response: { 201: overrideView },
        },
        config: manage,
      },
      async (request, reply) =>
        reply.status(201).send(await createOverride(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.patch(
      '/sla/calendar-overrides/:id',
      {
        schema: {
          tags,
          summary: 'Change an override (If-Match or version); audited',
          params: idParams,
          body: overridePatch,
          response: { 200: overrideView },
        },
        config: manage,
      },
      async (request, reply) => {
        const expected = expectedVersion(request, request.body.version);
        const view = await updateOverride(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.body,
          expected,
        );
        return withEtag(reply, view);
      },
    );
    app.delete(
      '/sla/calendar-overrides/:id',
      {
        schema: {
          tags,
          summary: 'Remove an override (If-Match optional); audited',
          params: idParams,
          response: { 204: z.null() },
        },
        config: manage,
      },
      async (request, reply) => {
        await deleteOverride(ctx.db, callerOf(request, ctx.clock), request.params.id, ifMatch(request));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/sla/calendar-years',
      {
        schema: {
          tags,
          summary:
            'The years the national holiday schedule covers, with warnings (this year missing; next year missing from November)',
          response: { 200: yearList },
        },
        config: read,
      },
      async () => listYears(ctx.db, ctx.clock.now()),
    );
    app.get(
      '/sla/calendar-years/:year',
      {
        schema: {
          tags,
          summary: "One year's national schedule: its holidays and adjusted working days (调休)",
          params: yearParams,
          response: { 200: yearView },
        },
        config: read,
      },
      async (request) => getYear(ctx.db, request.params.year),
    );
    app.put(
      '/sla/calendar-years/:year',
      {
        schema: {
          tags,
          summary: "Enter or replace a year's national schedule (e.g. next year once published); audited",
          params: yearParams,
          body: yearInput,
          response: { 200: yearView },
        },
        config: manage,
      },
      async (request) => putYear(ctx.db, callerOf(request, ctx.clock), request.params.year, request.body),
    );

    app.post(
      '/sla/calendar-check/add',
      {
        schema: {
          tags,
          summary:
            'Calendar check: the instant a duration (3wd, 2d, 4h, 90m) after a start ends (nothing is written)',
          body: addInput,
          response: { 200: addView },
        },
        config: read,
      },
      async (request) => checkAdd(ctx.db, { ...request.body, from: new Date(request.body.from) }),
    );
    app.post(
      '/sla/calendar-check/between',
      {
        schema: {
          tags,
          summary: 'Calendar check: the working time between two instants (nothing is written)',
          body: betweenInput,
          response: { 200: betweenView },
        },
        config: read,
      },
      async (request) =>
        checkBetween(ctx.db, {
          ...request.body,
          from: new Date(request.body.from),
          to: new Date(request.body.to),
        }),
    );
  };
}
