import { sql, type Kysely, type Migration } from 'kysely';
import { requestSearchVector, SEARCHED_TIMELINE_KINDS } from './request-search.ts';

/**
 * Search and queues: the request's search vector (GIN, statistics target raised: the plan choice
 * reads its most common elements) and partial indexes on open requests that match each queue's
 * filter and its newest-first order.
 */
export const serviceRequestsSearch: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table service_requests add column search_vector tsvector not null default ''::tsvector`.execute(
      db,
    );
    await sql`alter table service_requests alter column search_vector set statistics 1000`.execute(db);
    await backfill(db);
    await sql`create index service_requests_search on service_requests using gin (search_vector)`.execute(db);
    const open = sql.raw(`status <> 'closed'`);
    const index = (name: string, columns: string, where: string) =>
      sql`create index ${sql.raw(name)} on service_requests (${sql.raw(columns)}) where ${open} ${sql.raw(where)}`.execute(
        db,
      );
    const order = 'created_at desc, id desc';
    await index('service_requests_open_newest', order, '');
    await index('service_requests_open_group', `skill_group_id, ${order}`, 'and skill_group_id is not null');
    await index('service_requests_open_owner', `owner_user_id, ${order}`, '');
    await index('service_requests_unassigned', order, 'and assignee_id is null');
    await index('service_requests_urged', order, 'and urge_count > 0');
    await index('service_requests_open_kind', `kind, ${order}`, '');
    await index('service_requests_open_priority', `priority, ${order}`, '');
    // Escalated and suspended use the core's (status, created_at, id) index.
    // Counts and pages of a narrow data scope start from the handling unit's path.
    await index('service_requests_open_handling_path', 'handling_unit_path text_pattern_ops', '');
    await sql`create index service_requests_instance on service_requests (product_instance_id, created_at desc)
      where product_instance_id is not null`.execute(db);
  },
};

/** Requests that exist before this migration get their vector (in batches, by id). */
async function backfill(db: Kysely<unknown>) {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = (
      await sql<{ id: string; title: string; description: string | null }>`
        select id, title, description from service_requests where id > ${after} order by id limit 500`.execute(
        db,
      )
    ).rows;
    if (rows.length === 0) return;
    const notes = (
      await sql<{ request_id: string; body: string }>`
        select request_id, body from service_request_timeline
        where request_id in (${sql.join(rows.map((r) => r.id))})
          and kind in (${sql.join([...SEARCHED_TIMELINE_KINDS])}) and body is not null
        order by created_at, id`.execute(db)
    ).rows;
    const vectors = rows.map((r) => ({
      id: r.id,
      v: requestSearchVector(
        r.title,
        r.description,
        notes.filter((n) => n.request_id === r.id).map((n) => n.body),
      ),
    }));
    await sql`update service_requests s set search_vector = x.v::tsvector
      from jsonb_to_recordset(${JSON.stringify(vectors)}::jsonb) as x(id uuid, v text)
      where s.id = x.id`.execute(db);
    after = rows.at(-1)!.id;
  }
}
