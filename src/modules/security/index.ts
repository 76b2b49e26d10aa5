// The security module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { securityMigrations } from './security.migrations.ts';
import type { SecurityTables } from './security.tables.ts';

/**
 * Security administration (安全管理): alerts other modules raise (repeated search misses, the
 * reveal cap) and the register of information-security incidents (信息安全事件, PIPL Art. 57).
 */
export const security = defineModule<SecurityTables>({
  name: 'security',
  migrations: securityMigrations,
});

export { raiseSecurityAlert, type NewSecurityAlert } from './alerts.service.ts';
export { KNOWN_ALERT_KINDS, alertWindow } from './domain/alerts.ts';
export type { SecurityTables } from './security.tables.ts';
