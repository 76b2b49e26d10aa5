// Names for the security screens' shapes, derived from the API types (api/paths.ts).
import type { BodyOf, ResponseOf } from '../../api/paths.ts';

export type SecurityAlert = ResponseOf<'/api/v1/security/alerts', 'get'>['items'][number];
export type AlertState = SecurityAlert['state'];
export type Incident = ResponseOf<'/api/v1/security/incidents/{id}', 'get'>;
export type IncidentState = Incident['state'];
export type NewIncident = BodyOf<'/api/v1/security/incidents', 'post'>;
export type IncidentChange = BodyOf<'/api/v1/security/incidents/{id}', 'patch'>;
export type Notice = ResponseOf<'/api/v1/security/incidents/{id}/notice', 'get'>;
export type Recipient = Notice['individuals']['recipients']['items'][number];
