// The security module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { securityMigrations } from './security.migrations.ts';
import { securityRoutes } from './security.routes.ts';
import type { SecurityTables } from './security.tables.ts';

/**
 * Security administration (安全管理): alerts other modules raise (repeated search misses, the
 * reveal cap) and the register of information-security incidents (信息安全事件, PIPL Art. 57).
 */
export const security = defineModule<SecurityTables>({
  name: 'security',
  migrations: securityMigrations,
  routes: [{ plugin: securityRoutes }],
  permissions: {
    'security.alert.read': {
      description: 'See security alerts (repeated search misses, reveal cap reached …)',
      roles: ['security_admin'],
    },
    'security.alert.manage': {
      description: 'Acknowledge and close security alerts',
      roles: ['security_admin'],
    },
    'security.incident.read': {
      description:
        'See the register of information-security incidents, the customers affected (masked) and the notices',
      roles: ['security_admin'],
    },
    'security.incident.manage': {
      description:
        'Register, assess and close information-security incidents and link the customers affected',
      roles: ['security_admin'],
    },
  },
});

export { raiseSecurityAlert, type NewSecurityAlert } from './alerts.service.ts';
export { KNOWN_ALERT_KINDS, alertWindow } from './domain/alerts.ts';
export type { SecurityTables } from './security.tables.ts';
