export { IdentityAuthenticator, actorOf, createApiToken, login, principalFor } from './auth.service.ts';
export { authRoutes } from './auth.routes.ts';
export { identityInit as identityMigration } from './identity.migrations.ts';
export type { IdentityTables } from './identity.tables.ts';
export { ALL_PERMISSIONS, BUILTIN_ROLES, PERMISSIONS, isPermission } from './domain/permissions.ts';
export type { Permission, RoleDefinition } from './domain/permissions.ts';
export { hashPassword } from './domain/secrets.ts';
export { syncBuiltinRoles } from './roles.service.ts';
