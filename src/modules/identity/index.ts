// The identity module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { identityAdminRoutes } from './admin.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { IdentityAuthenticator } from './auth.service.ts';
import { scopeUnitIds } from './directory.ts';
import { IDENTITY_PERMISSIONS } from './domain/permissions.ts';
import { registerIdentityCommands } from './identity.cli.ts';
import { seedDemoOrganisation } from './identity.demo.ts';
import { identityMigrations } from './identity.migrations.ts';
import { mfaRoutes } from './mfa.routes.ts';
import { rotateMfaSecrets } from './mfa.service.ts';
import { presenceRoutes } from './presence.ts';
import type { IdentityTables } from './identity.tables.ts';
import { syncBuiltinRoles } from './roles.service.ts';

/** Staff, the org tree, roles and permissions, sign-in and API tokens; the data scope. */
export const identity = defineModule<IdentityTables>({
  name: 'identity',
  migrations: identityMigrations,
  routes: [
    { plugin: authRoutes },
    { plugin: mfaRoutes },
    { plugin: identityAdminRoutes },
    { plugin: presenceRoutes },
  ],
  prepare: (ctx) => syncBuiltinRoles(ctx.db, ctx.permissions),
  cli: registerIdentityCommands,
  // Authenticators' TOTP secrets (`onepoint rotate-keys`).
  rotateKeys: (ctx, rotation) => rotateMfaSecrets(ctx.db, rotation),
  demo: seedDemoOrganisation,
  permissions: IDENTITY_PERMISSIONS,
  provides: {
    authenticator: (ctx) =>
      new IdentityAuthenticator(ctx.db, ctx.clock, { sessionIdleMinutes: ctx.config.sessionIdleMinutes }),
    dataScope: (ctx) => ({ unitIds: (principal) => scopeUnitIds(ctx.db, principal) }),
  },
});

export { actorOf, createApiToken, login, principalFor } from './auth.service.ts';
export {
  ADMINISTRATOR_ROLES,
  administrationPermissions,
  BUILTIN_ROLE_NAMES,
  builtinRoles,
  type RoleDefinition,
} from './domain/permissions.ts';
export { hashPassword } from './domain/secrets.ts';
export { rotateMfaSecrets } from './mfa.service.ts';
// Reads for other modules: the org tree, the data scope, staff names.
export {
  activeUserLogins,
  activeUsersWithRole,
  countUsers,
  displayNames,
  isActiveUser,
  namesByIds,
  type NamedRef,
  type PersonRef,
  orgUnits,
  scopeUnitIds,
  skillGroupForAssignment,
  skillGroupsOf,
  unitPath,
  unitsAround,
  unitsOfFunction,
  unitsUnder,
  userUnits,
  usersWithRoleFlag,
  type RoutingUnit,
} from './directory.ts';
// Staff presence, for routing (away/offline skipped) and first-contact deputies.
export {
  effectiveStatus,
  presenceOf,
  PRESENCE_STATUSES,
  type Presence,
  type PresenceStatus,
} from './presence.ts';
export { chineseNames, DEMO_LOGINS, DEMO_UNITS, demoId } from './identity.demo.ts';
// For the service-requests module's queues: the caller's skill groups.
export { skillGroupIdsOfUser } from './memberships.ts';
