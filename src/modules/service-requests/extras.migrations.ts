import { sql, type Kysely, type Migration } from 'kysely';
import { TIMELINE_KINDS } from './domain/catalogue.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Migration 0022: repeats (重复), merged duplicates, related links, tags, and who has a request
 * open. Arrays on the request (GIN-indexed where the other side looks them up), so every change
 * goes through the one UPDATE … WHERE version = … of the core.
 */
export const serviceRequestsExtras: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table service_requests
      add column repeat_of uuid[] not null default '{}',
      add column related_ids uuid[] not null default '{}',
      add column tags text[] not null default '{}',
      add column merged_into_id uuid references service_requests (id)`.execute(db);
    // The repeat check at intake: earlier requests of the instance (or customer) and category, newest first.
    await sql`create index service_requests_repeat_instance
      on service_requests (product_instance_id, category_code, created_at desc)
      where product_instance_id is not null and category_code is not null`.execute(db);
    await sql`create index service_requests_repeat_customer
      on service_requests (customer_id, category_code, created_at desc)
      where customer_id is not null and category_code is not null`.execute(db);
    // The list filter repeat=true, newest first.
    await sql`create index service_requests_repeats on service_requests (created_at desc, id desc)
      where cardinality(repeat_of) > 0`.execute(db);
    await sql`create index service_requests_related on service_requests using gin (related_ids)
      where cardinality(related_ids) > 0`.execute(db);
    await sql`create index service_requests_tags on service_requests using gin (tags)`.execute(db);
    await sql`create index service_requests_merged_into on service_requests (merged_into_id)
      where merged_into_id is not null`.execute(db);
    await sql`alter table service_request_timeline drop constraint service_request_timeline_kind_check`.execute(
      db,
    );
    await sql`alter table service_request_timeline add constraint service_request_timeline_kind_check
      check (kind in (${list(TIMELINE_KINDS)}))`.execute(db);
    await sql`
      create table service_request_viewers (
        request_id uuid not null references service_requests (id),
        user_id uuid not null,
        login text not null,
        seen_at timestamptz not null,
        primary key (request_id, user_id)
      )`.execute(db);
  },
};
