/** Service-request events for the outbox, built from the masked view the use case holds. */
import type { NewEvent } from '../events/index.ts';
import type { RequestView } from './service-requests.schemas.ts';
import { ticketEventTypes, toTicket, NO_EXTRAS } from './tmf621/tmf621.mapper.ts';

export const REQUEST_EVENT_TYPES = [
  'ServiceRequestCreateEvent',
  'ServiceRequestStateChangeEvent',
  'ServiceRequestAttributeValueChangeEvent',
  'ServiceRequestNoteEvent',
  // 撤单: recorded beside the ServiceRequestStateChangeEvent of the `cancel` action.
  'ServiceRequestCancelEvent',
] as const;
export type RequestEventType = (typeof REQUEST_EVENT_TYPES)[number];

export function requestEvent(
  type: RequestEventType,
  view: RequestView,
  at: Date,
  extra: Record<string, unknown> = {},
): NewEvent {
  return {
    subject: `serviceRequest.${type}`,
    eventType: type,
    aggregateType: 'serviceRequest',
    aggregateId: view.id,
    event: { serviceRequest: view, ...extra },
    at,
  };
}

/**
 * The event of a change and the TMF621 Trouble Ticket events it stands for (faults and
 * complaints: tmf621/tmf621.mapper.ts), all in the change's transaction — so TMF621 listeners
 * hear of every change, whichever API or screen made it, and of none that rolled back.
 */
export function requestEvents(
  type: RequestEventType,
  view: RequestView,
  at: Date,
  extra: Record<string, unknown> = {},
): NewEvent[] {
  const change = extra.change as { from?: string } | undefined;
  const derived = ticketEventTypes(type, view, change?.from);
  return [
    requestEvent(type, view, at, extra),
    ...derived.map((t) => ({
      subject: `troubleTicket.${t}`,
      eventType: t,
      aggregateType: 'troubleTicket',
      aggregateId: view.id,
      // An event has no request: its href is a path (as the customer events'). Severity and the
      // other kept attributes are not in the event: GET the ticket for them.
      event: { troubleTicket: toTicket(view, NO_EXTRAS, '') },
      at,
    })),
  ];
}
