/**
 * The administration API's agreed contract (issue 3), for endpoints that are not on this branch's
 * server yet. `ApiPaths` (paths.ts) prefers the generated entry for every path and method the
 * server has, so once `npm run gen:api` picks them up these entries are no longer used (and the
 * console's code is type-checked against the server's real schemas): delete them then.
 */
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type IdParam = { query?: never; header?: never; path: { id: string }; cookie?: never };
type CodeParam = { query?: never; header?: never; path: { code: string }; cookie?: never };
type Json<T> = { content: { 'application/json': T } };
type Res<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type Get<P, R> = { parameters: P; requestBody?: never; responses: { 200: Res<R> } };
type Write<P, B, R> = {
  parameters: P;
  requestBody: Json<B>;
  responses: { 200: Res<R>; 201: Res<R> };
};

export type OrgLevel = 'national' | 'province' | 'city' | 'district';
export type OrgKind = 'administrative' | 'functional';

export interface PendingOrgUnit {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  nameEn: string | null;
  level: OrgLevel;
  kind: OrgKind;
  functionType: string | null;
  timeZone: string | null;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PendingUser {
  id: string;
  login: string;
  displayName: string;
  orgUnitId: string;
  orgUnitName: string | null;
  roles: string[];
  status: 'active' | 'disabled';
  /** Masked by the server (e.g. z***@example.com); the console shows it as it comes. */
  email: string | null;
  employeeNo: string | null;
  supportLine: number | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface PendingRole {
  code: string;
  name: string;
  nameEn: string;
  permissions: string[];
  builtin: boolean;
  version: number;
}

export interface PendingSkillGroup {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  orgUnitId: string;
  description: string | null;
  skills: string[];
  active: boolean;
  memberCount: number;
  version: number;
}

export interface PendingMembers {
  members: Array<{ userId: string; proficiency: number }>;
}

export interface PendingPaths {
  '/api/v1/org-units': {
    parameters: NoParams;
    get: Get<NoParams, { items: PendingOrgUnit[] }>;
    post: Write<
      NoParams,
      {
        parentId: string | null;
        code: string;
        name: string;
        nameEn?: string;
        level: OrgLevel;
        kind: OrgKind;
        functionType?: string;
      },
      PendingOrgUnit
    >;
  };
  '/api/v1/org-units/{id}': {
    parameters: NoParams;
    patch: Write<
      IdParam,
      { name?: string; nameEn?: string; active?: boolean; parentId?: string; version: number },
      PendingOrgUnit
    >;
  };
  '/api/v1/users': {
    parameters: NoParams;
    get: Get<
      {
        query?: {
          orgUnitId?: string;
          role?: string;
          status?: string;
          q?: string;
          limit?: number;
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      },
      { items: PendingUser[]; nextCursor: string | null }
    >;
    post: Write<
      NoParams,
      {
        login: string;
        displayName: string;
        orgUnitId: string;
        roles: string[];
        password: string;
        email?: string;
        employeeNo?: string;
        supportLine?: number;
      },
      PendingUser
    >;
  };
  '/api/v1/users/{id}': {
    parameters: NoParams;
    patch: Write<
      IdParam,
      {
        displayName?: string;
        orgUnitId?: string;
        roles?: string[];
        status?: 'active' | 'disabled';
        email?: string;
        employeeNo?: string;
        supportLine?: number | null;
        version: number;
      },
      PendingUser
    >;
  };
  '/api/v1/users/{id}/password': {
    parameters: NoParams;
    post: {
      parameters: IdParam;
      requestBody: Json<{ password: string }>;
      responses: { 204: NoContent };
    };
  };
  '/api/v1/roles': {
    parameters: NoParams;
    get: Get<NoParams, { items: PendingRole[] }>;
    post: Write<NoParams, { code: string; name: string; nameEn: string; permissions: string[] }, PendingRole>;
  };
  '/api/v1/roles/{code}': {
    parameters: NoParams;
    patch: Write<
      CodeParam,
      { name?: string; nameEn?: string; permissions?: string[]; version: number },
      PendingRole
    >;
  };
  '/api/v1/permissions': {
    parameters: NoParams;
    get: Get<NoParams, { items: Array<{ code: string; description: string }> }>;
  };
  '/api/v1/skill-groups': {
    parameters: NoParams;
    get: Get<NoParams, { items: PendingSkillGroup[] }>;
    post: Write<
      NoParams,
      {
        code: string;
        name: string;
        nameEn?: string;
        orgUnitId: string;
        description?: string;
        skills: string[];
      },
      PendingSkillGroup
    >;
  };
  '/api/v1/skill-groups/{id}': {
    parameters: NoParams;
    patch: Write<
      IdParam,
      {
        name?: string;
        nameEn?: string;
        description?: string;
        skills?: string[];
        active?: boolean;
        version: number;
      },
      PendingSkillGroup
    >;
  };
  '/api/v1/skill-groups/{id}/members': {
    parameters: NoParams;
    get: Get<IdParam, PendingMembers>;
    put: Write<IdParam, PendingMembers, PendingMembers>;
  };
}
