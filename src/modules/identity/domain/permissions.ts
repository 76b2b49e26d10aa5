/**
 * The permission catalogue. Routes name one of these; roles are lists of them (data, editable by
 * administrators). Later modules append their own permissions here.
 */
export const PERMISSIONS = {
  'org.read': 'See org units in scope',
  'org.manage': 'Create and change org units',
  'user.read': 'See staff users in scope',
  'user.manage': 'Create and change staff users, reset passwords, assign roles',
  'role.read': 'See roles and the permission catalogue',
  'role.manage': 'Create and change roles',
  'skillgroup.read': 'See skill groups in scope',
  'skillgroup.manage': 'Create and change skill groups and their members',
  'token.manage': 'Create and revoke API tokens for integrations',
  'audit.read': 'Read the audit log in scope',
  'scope.national': 'See data of every org unit (widens the data scope to the whole tree)',
  'pii.reveal': 'Reveal masked personal information, one field at a time, with a reason',
  'customer.read': 'See customers in scope (masked), their contacts, instances and 360 view',
  'customer.manage': 'Create and change customers, contacts and service instances in scope',
  'customer.import': 'Bulk-import customers and instances from CSV/XLSX',
  'customer.erase': 'Erase (anonymise) a customer on request, keeping the records law requires',
  'product.manage': 'Change the service product catalogue',
  'events.read': 'See the event outbox (events waiting for NATS, failures)',
  'events.subscribe': 'Register and remove TMF event listeners (POST /hub) that receive events by callback',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** Built-in roles, seeded by migration data and the demo seed; administrators may add more. */
export interface RoleDefinition {
  code: string;
  name: string; // zh-CN
  nameEn: string;
  permissions: Permission[];
}

const staffBase: Permission[] = ['org.read', 'skillgroup.read'];
// Front-line roles keep customer records up to date; back-office roles only read them.
const customerRead: Permission[] = ['customer.read'];
const customerWork: Permission[] = ['customer.read', 'customer.manage'];

export const BUILTIN_ROLES: RoleDefinition[] = [
  { code: 'admin', name: '系统管理员', nameEn: 'Administrator', permissions: [...ALL_PERMISSIONS] },
  { code: 'agent', name: '坐席', nameEn: 'Agent', permissions: [...staffBase, ...customerWork] },
  {
    code: 'monitor',
    name: '监控中心值班员',
    nameEn: 'Monitoring-centre operator',
    permissions: [...staffBase, ...customerRead],
  },
  {
    code: 'dispatcher',
    name: '调度员',
    nameEn: 'Dispatcher',
    permissions: [...staffBase, 'user.read', ...customerRead],
  },
  // Technicians will see only the instances of their own work orders (fieldwork module), not customers.
  { code: 'technician', name: '装维人员', nameEn: 'Field technician', permissions: ['org.read'] },
  {
    code: 'account_manager',
    name: '客户经理',
    nameEn: 'Account manager',
    permissions: [...staffBase, ...customerWork],
  },
  {
    code: 'supervisor',
    name: '班长/主管',
    nameEn: 'Supervisor',
    // Supervisors may reveal masked fields (with a stated, audited reason); agents may not.
    permissions: [
      ...staffBase,
      'user.read',
      'role.read',
      'skillgroup.manage',
      'audit.read',
      ...customerRead,
      'pii.reveal',
    ],
  },
  {
    code: 'quality_inspector',
    name: '质检员',
    nameEn: 'Quality inspector',
    permissions: [...staffBase, 'user.read'],
  },
  {
    code: 'billing_specialist',
    name: '计费专员',
    nameEn: 'Billing specialist',
    permissions: [...staffBase, ...customerRead],
  },
  { code: 'customer', name: '客户', nameEn: 'Customer (portal)', permissions: [] },
];
