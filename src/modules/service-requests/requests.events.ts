/** Service-request events for the outbox, built from the masked view the use case holds. */
import type { NewEvent } from '../events/index.ts';
import type { RequestView } from './service-requests.schemas.ts';

export const REQUEST_EVENT_TYPES = [
  'ServiceRequestCreateEvent',
  'ServiceRequestStateChangeEvent',
  'ServiceRequestAttributeValueChangeEvent',
  'ServiceRequestNoteEvent',
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
