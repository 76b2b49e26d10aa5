import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Migration 0026: what TMF621 Trouble Ticket keeps beside a request that has no column of its own
 * (severity, the dates a client asks for, references it sends). One row per request opened or
 * changed through TMF621; requests without one show none of these attributes.
 */
export const serviceRequestsTmf621: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table service_request_tmf_tickets (
        request_id uuid primary key references service_requests (id),
        severity text,
        requested_resolution_date timestamptz,
        expected_resolution_date timestamptz,
        attributes jsonb not null default '{}'::jsonb,
        updated_at timestamptz not null default now()
      )`.execute(db);
    // TMF621 list filter severity=…
    await sql`create index service_request_tmf_tickets_severity
      on service_request_tmf_tickets (severity) where severity is not null`.execute(db);
  },
};
