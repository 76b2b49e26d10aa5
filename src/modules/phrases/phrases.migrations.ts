import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const phrasesInit: Migration = {
  async up(db: Kysely<unknown>) {
    // Unit ids and user ids belong to identity: no foreign key across modules.
    await sql`
      create table phrases (
        id uuid primary key,
        scope text not null check (scope in ('unit', 'personal')),
        org_unit_id uuid not null,
        owner_id uuid,
        title text not null check (length(title) between 1 and 100),
        body text not null check (length(body) between 1 and 4000),
        category text not null check (length(category) between 1 and 40),
        tags jsonb not null default '[]'::jsonb check (jsonb_typeof(tags) = 'array'),
        version integer not null default 1,
        created_at timestamptz not null,
        created_by uuid,
        updated_at timestamptz not null,
        updated_by uuid,
        check ((scope = 'personal') = (owner_id is not null))
      )`.execute(db);
    // What an agent sees: the phrases of the units above and at theirs, and their own.
    await sql`create index phrases_unit_idx on phrases (org_unit_id, category, title) where scope = 'unit'`.execute(
      db,
    );
    await sql`create index phrases_owner_idx on phrases (owner_id, category, title) where scope = 'personal'`.execute(
      db,
    );
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const phrasesMigrations: MigrationList = [['0019_phrases_init', phrasesInit]];
