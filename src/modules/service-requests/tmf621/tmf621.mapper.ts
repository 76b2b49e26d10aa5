/**
 * TMF621 Trouble Ticket v5 ⇄ our service requests (pure). A trouble ticket is a request of kind
 * `fault` or `complaint`; its status is our workflow state seen through STATUS_OF (README table);
 * what TMF621 has beyond our columns is kept in `service_request_tmf_tickets` (tmf621.store.ts).
 * Views are masked before they get here (requestView, timelineView).
 */
import { maskFreeTextDeep } from '../../../platform/pii/free-text.ts';
import { resourceHref, type TmfResource } from '../../../platform/tmf/index.ts';
import type { State } from '../domain/catalogue.ts';
import type { RequestView } from '../service-requests.schemas.ts';

export const TMF621_BASE = '/tmf-api/troubleTicket/v5';
const TMF629_CUSTOMER = '/tmf-api/customer/v5/customer';

export const ticketHref = (base: string, id: string) =>
  resourceHref(base, `${TMF621_BASE}/troubleTicket`, id);

/** The kinds that are trouble tickets, and the `ticketType` each is shown as. */
export const TICKET_KINDS = ['fault', 'complaint'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const isTicketKind = (kind: string): kind is TicketKind =>
  (TICKET_KINDS as readonly string[]).includes(kind);

/** `ticketType` a client may send → our kind (TMF's own examples: incident, complain). */
export const TICKET_TYPES: Readonly<Record<string, TicketKind>> = {
  fault: 'fault',
  incident: 'fault',
  trouble: 'fault',
  complaint: 'complaint',
  complain: 'complaint',
};

export const TMF_STATUSES = [
  'acknowledged',
  'rejected',
  'pending',
  'held',
  'inProgress',
  'cancelled',
  'closed',
  'resolved',
] as const;
export type TmfStatus = (typeof TMF_STATUSES)[number];

/** Our workflow state → the TMF621 status (the table in the module README). */
export const STATUS_OF: Readonly<Record<State, TmfStatus>> = {
  accepted: 'acknowledged',
  triage: 'acknowledged',
  dispatched: 'acknowledged',
  returned: 'acknowledged',
  taken: 'inProgress',
  in_progress: 'inProgress',
  escalated: 'inProgress',
  suspended: 'pending',
  resolved: 'resolved',
  callback: 'resolved',
  closed: 'closed',
  cancelled: 'cancelled',
};

/** A merged duplicate is closed without a resolution: TMF calls that cancelled. */
export function tmfStatus(state: string, merged = false): TmfStatus {
  if (state === 'closed' && merged) return 'cancelled';
  return STATUS_OF[state as State] ?? 'acknowledged';
}

/** The states shown as a TMF status (list filter `status=`). */
export const statesOf = (status: TmfStatus): State[] =>
  (Object.keys(STATUS_OF) as State[]).filter((s) => STATUS_OF[s] === status);

/** Our priorities as sent and shown; TMF's examples (Critical, Medium) read as ours. */
export const PRIORITY_ALIASES: Readonly<Record<string, string>> = {
  urgent: 'urgent',
  critical: 'urgent',
  high: 'high',
  normal: 'normal',
  medium: 'normal',
  low: 'low',
};

export type Json = Record<string, unknown>;

/** What is kept beside the request (tmf621.store.ts), as sent (checked). */
export interface TicketExtras {
  severity: string | null;
  requestedResolutionDate: string | null;
  expectedResolutionDate: string | null;
  /** relatedParty (other than the customer), relatedEntity (other than the product and customer),
   * attachment, externalIdentifier, troubleTicketRelationship, troubleTicketSpecification,
   * troubleTicketCharacteristic (other than category), @baseType, @schemaLocation. */
  attributes: Json;
}

export const NO_EXTRAS: TicketExtras = {
  severity: null,
  requestedResolutionDate: null,
  expectedResolutionDate: null,
  attributes: {},
};

export interface TimelineItem {
  id: string;
  kind: string;
  actorLogin: string | null;
  toStatus: string | null;
  body: string | null;
  createdAt: string;
}

const channelRef = (channel: string) => ({ '@type': 'ChannelRef', id: channel, name: channel });

function customerParty(view: Pick<RequestView, 'customer'>, base: string): Json[] {
  if (!view.customer) return [];
  return [
    {
      '@type': 'RelatedPartyRefOrPartyRoleRef',
      role: 'customer',
      partyOrPartyRole: {
        '@type': 'PartyRoleRef',
        id: view.customer.id,
        href: resourceHref(base, TMF629_CUSTOMER, view.customer.id),
        name: view.customer.name,
        '@referredType': 'Customer',
      },
    },
  ];
}

function productEntity(view: Pick<RequestView, 'productInstanceId'>): Json[] {
  if (!view.productInstanceId) return [];
  return [
    {
      '@type': 'RelatedEntity',
      role: 'affectedProduct',
      entity: { '@type': 'EntityRef', id: view.productInstanceId, '@referredType': 'Product' },
    },
  ];
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * The ticket as TMF621 shows it. `timeline` (the request's, masked) gives the notes and the
 * status history; without it (events) they are left out. `base`: absolute (GET) or '' (events).
 */
export function toTicket(
  view: RequestView,
  extras: TicketExtras,
  base: string,
  timeline?: readonly TimelineItem[],
): TmfResource {
  // Attributes kept as the client sent them are free text too: masked on the way out.
  const a = maskFreeTextDeep(extras.attributes);
  const merged = view.mergedIntoId !== null;
  const status = tmfStatus(view.status, merged);
  const changes = (timeline ?? []).filter((t) => t.toStatus !== null);
  const last = changes.at(-1);
  const characteristic: Json[] = [
    { '@type': 'StringCharacteristic', name: 'number', valueType: 'string', value: view.number },
    ...(view.categoryCode
      ? [{ '@type': 'StringCharacteristic', name: 'category', valueType: 'string', value: view.categoryCode }]
      : []),
    ...arr(a.troubleTicketCharacteristic),
  ];
  const ticket: TmfResource = {
    id: view.id,
    href: ticketHref(base, view.id),
    '@type': 'TroubleTicket',
    ...(typeof a['@baseType'] === 'string' ? { '@baseType': a['@baseType'] } : {}),
    ...(typeof a['@schemaLocation'] === 'string' ? { '@schemaLocation': a['@schemaLocation'] } : {}),
    name: view.title,
    description: view.description,
    ticketType: view.kind,
    ...(extras.severity ? { severity: extras.severity } : {}),
    priority: view.priority,
    status,
    channel: channelRef(view.channel),
    creationDate: view.createdAt,
    lastUpdate: view.updatedAt,
    ...(view.resolvedAt ? { resolutionDate: view.resolvedAt } : {}),
    ...(extras.requestedResolutionDate ? { requestedResolutionDate: extras.requestedResolutionDate } : {}),
    ...(extras.expectedResolutionDate ? { expectedResolutionDate: extras.expectedResolutionDate } : {}),
    relatedParty: [...customerParty(view, base), ...arr(a.relatedParty)],
    relatedEntity: [...productEntity(view), ...arr(a.relatedEntity)],
    attachment: arr(a.attachment),
    externalIdentifier: arr(a.externalIdentifier),
    troubleTicketRelationship: arr(a.troubleTicketRelationship),
    ...(a.troubleTicketSpecification ? { troubleTicketSpecification: a.troubleTicketSpecification } : {}),
    troubleTicketCharacteristic: characteristic,
  };
  if (timeline) {
    ticket.note = timeline
      .filter((t) => t.kind === 'note' || t.kind === 'reply' || t.kind === 'contact_attempt')
      .map((t) => ({
        '@type': 'Note',
        id: t.id,
        ...(t.actorLogin ? { author: t.actorLogin } : {}),
        date: t.createdAt,
        text: t.body ?? '',
      }));
    ticket.statusChangeHistory = changes.map((t) => ({
      '@type': 'StatusChange',
      status: tmfStatus(t.toStatus!, merged && t === last),
      statusChangeDate: t.createdAt,
      ...(t.body ? { statusChangeReason: t.body } : {}),
    }));
    if (last) {
      ticket.statusChangeDate = last.createdAt;
      if (last.body) ticket.statusChangeReason = last.body;
    }
  }
  return ticket;
}

export const TROUBLE_TICKET_EVENT_TYPES = [
  'TroubleTicketCreateEvent',
  'TroubleTicketStatusChangeEvent',
  'TroubleTicketAttributeValueChangeEvent',
  'TroubleTicketResolvedEvent',
  'TroubleTicketInformationRequiredEvent',
  'TroubleTicketDeleteEvent',
] as const;
export type TroubleTicketEventType = (typeof TROUBLE_TICKET_EVENT_TYPES)[number];

/**
 * The TMF621 events a service-request event stands for (none for kinds that are not tickets),
 * recorded beside it in the same transaction. `from`: the state before a state change.
 */
export function ticketEventTypes(
  requestEventType: string,
  view: Pick<RequestView, 'kind' | 'status' | 'mergedIntoId'>,
  from: string | undefined,
): TroubleTicketEventType[] {
  if (!isTicketKind(view.kind)) return [];
  switch (requestEventType) {
    case 'ServiceRequestCreateEvent':
      return ['TroubleTicketCreateEvent'];
    case 'ServiceRequestStateChangeEvent': {
      const before = from === undefined ? undefined : tmfStatus(from);
      const after = tmfStatus(view.status, view.mergedIntoId !== null);
      if (before === after) return ['TroubleTicketAttributeValueChangeEvent'];
      const out: TroubleTicketEventType[] = ['TroubleTicketStatusChangeEvent'];
      if (after === 'resolved') out.push('TroubleTicketResolvedEvent');
      if (after === 'pending') out.push('TroubleTicketInformationRequiredEvent');
      // 撤单 (DELETE /troubleTicket/{id}, or the cancel action anywhere): the ticket is withdrawn.
      if (view.status === 'cancelled') out.push('TroubleTicketDeleteEvent');
      return out;
    }
    case 'ServiceRequestCancelEvent':
      return []; // its state change already stands for it

    default:
      return ['TroubleTicketAttributeValueChangeEvent'];
  }
}
