/** /security/alerts and /security/incidents: for the security administrator (安全管理员). */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import { actOnAlert, getAlert, listAlerts } from './alerts.service.ts';
import type { NoticeSettings } from './domain/incidents.ts';
import {
  createIncident,
  getIncident,
  incidentCustomers,
  incidentNotice,
  linkCustomers,
  listIncidents,
  unlinkCustomer,
  updateIncident,
} from './incidents.service.ts';
import {
  acknowledgeBody,
  alertList,
  alertListQuery,
  alertView,
  closeAlertBody,
  incidentInput,
  incidentList,
  incidentListQuery,
  incidentPatch,
  incidentView,
  linkCustomersBody,
  linkCustomersResult,
  noticeView,
  pageQuery,
  recipientPage,
} from './security.schemas.ts';
import type { ModuleContext } from './security.tables.ts';

const tags = ['security'];
const idParams = z.object({ id: z.uuid() });
const access = (permission: string) => ({ access: { permission } }) as const;

export function securityRoutes(ctx: ModuleContext) {
  const settings: NoticeSettings = {
    privacyContact: ctx.config.privacyContact ?? null,
    regulatorContact: ctx.config.regulatorContact ?? null,
    timeZone: ctx.config.timeZone,
  };
  return async (app: App) => {
    // ---- Alerts ----
    app.get(
      '/security/alerts',
      {
        schema: {
          tags,
          summary: 'Security alerts, newest first (filter by state, kind, user)',
          querystring: alertListQuery,
          response: { 200: alertList },
        },
        config: access('security.alert.read'),
      },
      async (request) => listAlerts(ctx.db, request.query),
    );
    app.get(
      '/security/alerts/:id',
      {
        schema: { tags, summary: 'One security alert', params: idParams, response: { 200: alertView } },
        config: access('security.alert.read'),
      },
      async (request) => getAlert(ctx.db, request.params.id),
    );
    app.post(
      '/security/alerts/:id/acknowledge',
      {
        schema: {
          tags,
          summary: 'Acknowledge an open alert with a note (what is being done about it); audited',
          params: idParams,
          body: acknowledgeBody,
          response: { 200: alertView },
        },
        config: access('security.alert.manage'),
      },
      async (request) =>
        actOnAlert(ctx.db, callerOf(request, ctx.clock), request.params.id, 'acknowledge', request.body),
    );
    app.post(
      '/security/alerts/:id/close',
      {
        schema: {
          tags,
          summary: 'Close an alert with a note; audited',
          params: idParams,
          body: closeAlertBody,
          response: { 200: alertView },
        },
        config: access('security.alert.manage'),
      },
      async (request) =>
        actOnAlert(ctx.db, callerOf(request, ctx.clock), request.params.id, 'close', request.body),
    );

    // ---- Incidents ----
    app.get(
      '/security/incidents',
      {
        schema: {
          tags,
          summary: 'The register of information-security incidents, newest first',
          querystring: incidentListQuery,
          response: { 200: incidentList },
        },
        config: access('security.incident.read'),
      },
      async (request) => listIncidents(ctx.db, request.query),
    );
    app.post(
      '/security/incidents',
      {
        schema: {
          tags,
          summary: 'Register an incident (state open), optionally with the customers affected',
          body: incidentInput,
          response: { 201: incidentView },
        },
        config: access('security.incident.manage'),
      },
      async (request, reply) =>
        reply.status(201).send(await createIncident(ctx.db, callerOf(request, ctx.clock), request.body)),
    );
    app.get(
      '/security/incidents/:id',
      {
        schema: { tags, summary: 'One incident', params: idParams, response: { 200: incidentView } },
        config: access('security.incident.read'),
      },
      async (request) => getIncident(ctx.db, request.params.id),
    );
    app.patch(
      '/security/incidents/:id',
      {
        schema: {
          tags,
          summary:
            'Change an incident or move it on (open → assessed → notified → closed); send `version` to guard against concurrent edits',
          params: idParams,
          body: incidentPatch,
          response: { 200: incidentView },
        },
        config: access('security.incident.manage'),
      },
      async (request) =>
        updateIncident(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body),
    );
    app.get(
      '/security/incidents/:id/customers',
      {
        schema: {
          tags,
          summary: 'The customers affected (masked; the access is logged)',
          params: idParams,
          querystring: pageQuery,
          response: { 200: recipientPage },
        },
        config: access('security.incident.read'),
      },
      async (request) =>
        incidentCustomers(ctx.db, callerOf(request, ctx.clock), request.params.id, request.query),
    );
    app.post(
      '/security/incidents/:id/customers',
      {
        schema: {
          tags,
          summary: 'Link customers affected (ids in your data scope); audited',
          params: idParams,
          body: linkCustomersBody,
          response: { 200: linkCustomersResult },
        },
        config: access('security.incident.manage'),
      },
      async (request) =>
        linkCustomers(ctx.db, callerOf(request, ctx.clock), request.params.id, request.body.customerIds),
    );
    app.delete(
      '/security/incidents/:id/customers/:customerId',
      {
        schema: {
          tags,
          summary: 'Unlink a customer; audited',
          params: z.object({ id: z.uuid(), customerId: z.uuid() }),
          response: { 204: z.null() },
        },
        config: access('security.incident.manage'),
      },
      async (request, reply) => {
        await unlinkCustomer(
          ctx.db,
          callerOf(request, ctx.clock),
          request.params.id,
          request.params.customerId,
        );
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/security/incidents/:id/notice',
      {
        schema: {
          tags,
          summary:
            'The notice (PIPL Art. 57): customers to notify (masked, paged) with their text, and the report for the regulator. Sending is not built yet',
          params: idParams,
          querystring: pageQuery,
          response: { 200: noticeView },
        },
        config: access('security.incident.read'),
      },
      async (request) =>
        incidentNotice(ctx.db, callerOf(request, ctx.clock), request.params.id, request.query, settings),
    );
  };
}
