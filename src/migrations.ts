// Every module's migrations in the one order they are applied. Forward only: append, never edit.
import type { MigrationList } from './platform/db/migrate.ts';
import { auditMigration } from './modules/audit/index.ts';
import { customersMigration, customersTmf629Migration } from './modules/customers/index.ts';
import { eventsMigration } from './modules/events/index.ts';
import { identityMigration } from './modules/identity/index.ts';

export const migrations: MigrationList = [
  ['0001_identity_init', identityMigration],
  ['0002_audit_init', auditMigration],
  ['0003_customers_init', customersMigration],
  ['0004_events_init', eventsMigration],
  ['0005_customers_tmf629', customersTmf629Migration],
];
