// Names for the shapes the console works with, all derived from the API types (paths.ts).
import type { ApiPaths, BodyOf, ResponseOf } from './paths.ts';

export type LoginResult = ResponseOf<'/api/v1/auth/login', 'post'>;
export type CurrentUser = ResponseOf<'/api/v1/auth/me', 'get'>;
export type OrgUnit = ResponseOf<'/api/v1/org-units', 'get'>['items'][number];
export type NewOrgUnit = BodyOf<'/api/v1/org-units', 'post'>;
export type OrgUnitChange = BodyOf<'/api/v1/org-units/{id}', 'patch'>;
export type User = ResponseOf<'/api/v1/users', 'get'>['items'][number];
export type NewUser = BodyOf<'/api/v1/users', 'post'>;
export type UserChange = BodyOf<'/api/v1/users/{id}', 'patch'>;
export type UserQuery = NonNullable<UsersQuery>;
export type Role = ResponseOf<'/api/v1/roles', 'get'>['items'][number];
export type NewRole = BodyOf<'/api/v1/roles', 'post'>;
export type RoleChange = BodyOf<'/api/v1/roles/{code}', 'patch'>;
export type PermissionInfo = ResponseOf<'/api/v1/permissions', 'get'>['items'][number];
export type SkillGroup = ResponseOf<'/api/v1/skill-groups', 'get'>['items'][number];
export type NewSkillGroup = BodyOf<'/api/v1/skill-groups', 'post'>;
export type SkillGroupChange = BodyOf<'/api/v1/skill-groups/{id}', 'patch'>;
export type SkillGroupMembers = ResponseOf<'/api/v1/skill-groups/{id}/members', 'get'>;

type UsersQuery = ApiPaths['/api/v1/users']['get'] extends { parameters: { query?: infer Q } } ? Q : never;

export type OrgLevel = OrgUnit['level'];
export type OrgKind = OrgUnit['kind'];

export type CustomerListItem = ResponseOf<'/api/v1/customers', 'get'>['items'][number];
export type CustomerQuery = NonNullable<CustomersQuery>;
export type CustomerMatch = ResponseOf<'/api/v1/customers/search', 'get'>['items'][number];
export type Customer360 = ResponseOf<'/api/v1/customers/{id}/360', 'get'>;
export type Customer = Customer360['customer'];
export type CustomerContact = Customer360['contacts'][number];
export type ProductInstance = Customer360['instances'][number];
export type CustomerAccess = ResponseOf<'/api/v1/customers/{id}/access-log', 'get'>[number];
export type NewCustomer = BodyOf<'/api/v1/customers', 'post'>;
export type CustomerChange = BodyOf<'/api/v1/customers/{id}', 'patch'>;
export type NewContact = BodyOf<'/api/v1/customers/{id}/contacts', 'post'>;
export type ContactChange = BodyOf<'/api/v1/customers/{id}/contacts/{contactId}', 'patch'>;
export type NewInstance = BodyOf<'/api/v1/customers/{id}/instances', 'post'>;
export type CustomerContract = ResponseOf<'/api/v1/customers/{id}/contracts', 'get'>[number];
export type NewContract = BodyOf<'/api/v1/customers/{id}/contracts', 'post'>;
export type ContractChange = BodyOf<'/api/v1/customers/{id}/contracts/{contractNo}', 'patch'>;
export type Product = ResponseOf<'/api/v1/products', 'get'>[number];

type CustomersQuery = ApiPaths['/api/v1/customers']['get'] extends { parameters: { query?: infer Q } }
  ? Q
  : never;

// Service requests (服务请求/工单).
export type RequestListItem = ResponseOf<'/api/v1/service-requests', 'get'>['items'][number];
export type RequestDetail = ResponseOf<'/api/v1/service-requests/{id}', 'get'>;
export type TimelineEntry = RequestDetail['timeline'][number];
// SLA clocks (服务时限): a request's, and the nearest one a list row carries.
export type RequestSla = ResponseOf<'/api/v1/service-requests/{id}/sla', 'get'>;
export type SlaClock = RequestSla['clocks'][number];
export type QueueClock = NonNullable<RequestListItem['sla']>;
export type NewRequest = BodyOf<'/api/v1/service-requests', 'post'>;
export type RequestKind = NewRequest['kind'];
export type RequestChannel = NewRequest['channel'];
export type RequestPriority = NonNullable<NewRequest['priority']>;
export type RequestQuery = NonNullable<RequestsQuery>;
export type RequestStatus = NonNullable<RequestQuery['status']>;

type RequestsQuery = ApiPaths['/api/v1/service-requests']['get'] extends { parameters: { query?: infer Q } }
  ? Q
  : never;

// Caller identification across regions (一点受理): a masked summary by a whole identifier.
export type IdentifyRequest = BodyOf<'/api/v1/customers/identify', 'post'>;
export type IdentifiedCaller = ResponseOf<'/api/v1/customers/identify', 'post'>['items'][number];

// A board's counters (dispatcher, monitoring centre, supervisor): open requests per state/priority.
export type RequestOverview = ResponseOf<'/api/v1/service-requests/overview', 'get'>;
export type CappedCount = RequestOverview['firstContactResolvedToday'];
// The customer portal (自助服务).
export type PortalService = ResponseOf<'/api/v1/portal/services', 'get'>['items'][number];
export type PortalRequestItem = ResponseOf<'/api/v1/portal/service-requests', 'get'>['items'][number];
export type PortalRequest = ResponseOf<'/api/v1/portal/service-requests/{id}', 'get'>;
export type PortalTimelineEntry = PortalRequest['timeline'][number];
export type NewPortalRequest = BodyOf<'/api/v1/portal/service-requests', 'post'>;
export type PortalKind = NonNullable<NewPortalRequest['kind']>;
// A request's promised times as the customer sees them, and an enterprise customer's SLA report.
export type RequestCommitment = PortalRequest['commitments'][number];
export type CustomerSlaReport = ResponseOf<'/api/v1/sla/customer-reports/{customerId}', 'get'>;

export type RequestNotice = ResponseOf<'/api/v1/service-requests/{id}/notices', 'get'>['items'][number];
export type NoticeTemplate = ResponseOf<'/api/v1/notice-templates', 'get'>['items'][number];
export type NoticeTemplateChange = BodyOf<'/api/v1/notice-templates/{event}/{lang}', 'put'>;
export type ChannelMailbox = ResponseOf<'/api/v1/channel-mailboxes', 'get'>['items'][number];
export type MailboxImapChange = BodyOf<'/api/v1/channel-mailboxes/{address}/imap', 'put'>;
export type ChannelSettings = ResponseOf<'/api/v1/channel-settings', 'get'>;
export type MailOutSettings = ChannelSettings['mailOut'];
export type SmsSettings = ChannelSettings['sms'];
export type MailOutChange = BodyOf<'/api/v1/channel-settings/mail-out', 'put'>;
export type SmsSettingsChange = BodyOf<'/api/v1/channel-settings/sms', 'put'>;
export type GatewayCheck = ResponseOf<'/api/v1/channel-settings/mail-out/test', 'post'>;
export type PortalNotice = ResponseOf<'/api/v1/portal/service-requests/{id}/notices', 'get'>['items'][number];

// Service commitments (服务水平): the policy matrix and the business calendars.
export type SlaPolicy = ResponseOf<'/api/v1/sla/policies', 'get'>['items'][number];
export type NewSlaPolicy = BodyOf<'/api/v1/sla/policies', 'post'>;
export type SlaPolicyChange = BodyOf<'/api/v1/sla/policies/{code}', 'patch'>;
export type SlaPolicyMatch = NewSlaPolicy['match'];
export type SlaTargetType = keyof NewSlaPolicy['targets'];
export type SlaTier = NonNullable<SlaPolicyMatch['tier']>;
// A row names service requests' kinds and priorities (the server checks them against that module).
export type SlaKind = RequestKind;
export type SlaPriority = RequestPriority;
export type SlaLocationClass = NonNullable<SlaPolicyMatch['locationClass']>;
export type SlaPolicyCheck = BodyOf<'/api/v1/sla/policy-check', 'post'>;
export type SlaPolicyCheckResult = ResponseOf<'/api/v1/sla/policy-check', 'post'>;
export type SlaCalendar = ResponseOf<'/api/v1/sla/calendars', 'get'>['items'][number];
export type SlaOverride = ResponseOf<'/api/v1/sla/calendar-overrides', 'get'>['items'][number];
export type NewSlaOverride = BodyOf<'/api/v1/sla/calendar-overrides', 'post'>;
export type SlaYears = ResponseOf<'/api/v1/sla/calendar-years', 'get'>;
export type SlaYear = SlaYears['items'][number];
export type SlaAddCheck = ResponseOf<'/api/v1/sla/calendar-check/add', 'post'>;
export type SlaBetweenCheck = ResponseOf<'/api/v1/sla/calendar-check/between', 'post'>;
// SLA reports (服务时限报表), the clocks about to breach (即将超时), open requests by SLA state.
export type SlaMetReport = ResponseOf<'/api/v1/sla/reports/met', 'get'>;
export type SlaMetRow = SlaMetReport['rows'][number];
export type SlaMetCell = SlaMetRow['all'];
export type SlaGroupBy = SlaMetReport['groupBy'];
export type SlaReportTarget = SlaMetReport['targets'][number];
export type SlaBreaches = ResponseOf<'/api/v1/sla/reports/breaches', 'get'>;
export type SlaBreach = SlaBreaches['items'][number];
export type SlaAtRisk = ResponseOf<'/api/v1/sla/at-risk', 'get'>;
export type SlaAtRiskItem = SlaAtRisk['items'][number];
export type SlaOpenStates = ResponseOf<'/api/v1/sla/open-states', 'get'>;
export type SlaRequestState = keyof SlaOpenStates['states'];
