/**
 * Gateway settings (发送网关设置): how mail and SMS/voice go out. The server's environment variables
 * are the default and the bootstrap; an administrator may save settings for a gateway (console or
 * API), which then apply **instead of the environment for that whole gateway** until they are reset.
 * The gateways read them from the database at each send (gateway.ts), so a change reaches every
 * node at once, without a restart. Secrets (SMTP password, SMS gateway key) are write-only: stored
 * encrypted, never answered, kept when a save leaves them out — but only while they would go to the
 * same server they were given for.
 */
import type { Config } from '../../config.ts';
import { unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { checkVersion } from '../../platform/versions.ts';
import { appendAudit } from '../audit/index.ts';
import type {
  ChannelMailSettingsTable,
  ChannelSmsSettingsTable,
  Db,
  Executor,
  MailTls,
  Tx,
  SettingsSource,
} from './channels.tables.ts';
import type { Selectable, Transaction } from 'kysely';

export const MAIL_PASSWORD_CONTEXT = 'channel-settings:mail:password';
export const SMS_KEY_CONTEXT = 'channel-settings:sms:key';

/** How mail goes out, effective: the saved settings or the environment's. */
export interface MailOut {
  source: SettingsSource;
  host: string;
  port: number;
  tls: MailTls;
  username: string | null;
  password: string | null;
  from: string;
  /** The environment's URL, used as given (its query options too); absent for saved settings. */
  url?: string;
  /** The saved password cannot be decrypted (its key left ONEPOINT_PII_KEYS): sending fails. */
  unreadable?: true;
}

export interface SmsOut {
  source: SettingsSource;
  driver: 'simulator' | 'http';
  url: string | null;
  key: string | null;
  signName: string;
  /** The saved key cannot be decrypted: sending fails, the reply webhook refuses. */
  unreadable?: true;
}

export interface SettingsDeps {
  db: Db;
  config: Config;
  vault: PiiVault;
}

type MailRow = Selectable<ChannelMailSettingsTable>;
type SmsRow = Selectable<ChannelSmsSettingsTable>;

// --- pure rules ---------------------------------------------------------------------------------

/** ONEPOINT_SMTP_URL read as settings: `smtps:` is implicit TLS, `smtp:` STARTTLS when offered. */
export function mailFromUrl(url: string, from: string): MailOut {
  const u = new URL(url);
  const implicit = u.protocol === 'smtps:';
  const required = u.searchParams.get('requireTLS') === 'true';
  return {
    source: 'environment',
    host: u.hostname,
    port: Number(u.port || (implicit ? 465 : 587)),
    tls: implicit ? 'implicit' : required ? 'starttls' : 'opportunistic',
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    from,
    url,
  };
}

/** Where a mail password goes: the server and the user it logs in as (not the port or TLS). */
export const mailPlace = (m: { host: string; username: string | null }) =>
  `${m.host.toLowerCase()}|${m.username ?? ''}`;

/** Where an SMS key goes: the gateway URL's origin (scheme, host, port); none for no URL. */
export const smsPlace = (url: string | null) => (url ? new URL(url).origin : null);

/**
 * The secret a save ends with. Given: that one; `null`: none. Left out: the one in use (saved, or
 * the environment's on a first save), as long as it goes to the same place — a secret is never sent
 * to a server it was not given for, so a new host (or user, or gateway origin) needs it again.
 */
export function keptSecret(
  given: string | null | undefined,
  current: { secret: string | null; place: string | null },
  nextPlace: string | null,
): string | null | 'again' {
  if (given !== undefined) return given;
  if (current.secret === null) return null;
  if (nextPlace === null || nextPlace === current.place) return current.secret;
  return 'again';
}

// --- reading ------------------------------------------------------------------------------------

const readMail = (db: Executor) =>
  db.selectFrom('channel_mail_settings').selectAll().executeTakeFirstOrThrow();
const readSms = (db: Executor) => db.selectFrom('channel_sms_settings').selectAll().executeTakeFirstOrThrow();
// A save reads the row it replaces under a lock: two saves in a row, the second sees the first.
const lockMail = (trx: Tx) =>
  trx.selectFrom('channel_mail_settings').selectAll().forUpdate().executeTakeFirstOrThrow();
const lockSms = (trx: Tx) =>
  trx.selectFrom('channel_sms_settings').selectAll().forUpdate().executeTakeFirstOrThrow();

/** The secret of a saved row; `undefined` when it cannot be decrypted (a key left ONEPOINT_PII_KEYS). */
function decrypted(vault: PiiVault, enc: string | null, context: string): string | null | undefined {
  if (!enc) return null;
  try {
    return vault.decrypt(enc, context);
  } catch {
    return undefined;
  }
}

const envMail = (config: Config): MailOut | null =>
  config.smtpUrl ? mailFromUrl(config.smtpUrl, config.mailFrom) : null;

const envSms = (config: Config): SmsOut => ({
  source: 'environment',
  driver: config.noticeGateway,
  url: config.smsGatewayUrl ?? null,
  key: config.smsGatewayKey ?? null,
  signName: config.smsSignName,
});

/** The row's settings, or the environment's for a row in state `environment`; null: no mail out. */
export function mailOutOf(row: MailRow, config: Config, vault: PiiVault): MailOut | null {
  if (row.source === 'environment') return envMail(config);
  const password = decrypted(vault, row.password_enc, MAIL_PASSWORD_CONTEXT);
  return {
    source: 'stored',
    host: row.host!,
    port: row.port!,
    tls: row.tls!,
    username: row.username,
    password: password ?? null,
    from: row.mail_from!,
    ...(password === undefined ? { unreadable: true as const } : {}),
  };
}

export function smsOutOf(row: SmsRow, config: Config, vault: PiiVault): SmsOut {
  if (row.source === 'environment') return envSms(config);
  const key = decrypted(vault, row.key_enc, SMS_KEY_CONTEXT);
  return {
    source: 'stored',
    driver: row.driver!,
    url: row.url,
    key: key ?? null,
    signName: row.sign_name!,
    ...(key === undefined ? { unreadable: true as const } : {}),
  };
}

/** The settings row's version with the effective settings (the gateways cache by version). */
export async function currentMail(deps: SettingsDeps) {
  const row = await readMail(deps.db);
  return { version: row.version, source: row.source, resolve: () => mailOutOf(row, deps.config, deps.vault) };
}

export async function currentSms(deps: SettingsDeps): Promise<SmsOut> {
  return smsOutOf(await readSms(deps.db), deps.config, deps.vault);
}

// --- views (never a secret) ---------------------------------------------------------------------

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const setOrNot = (v: unknown) => (v ? ('set' as const) : ('not_set' as const));

function mailPublic(m: MailOut | null, from: string) {
  return {
    configured: m !== null,
    host: m?.host ?? null,
    port: m?.port ?? null,
    tls: m?.tls ?? null,
    username: m?.username ?? null,
    password: setOrNot(m?.password),
    from: m?.from ?? from,
  };
}

/** What the environment says, beside what applies: what a reset comes back to. */
export function mailView(row: MailRow, config: Config) {
  const env = envMail(config);
  const applies =
    row.source === 'environment'
      ? env
      : {
          source: 'stored' as const,
          host: row.host!,
          port: row.port!,
          tls: row.tls!,
          username: row.username,
          password: row.password_enc,
          from: row.mail_from!,
        };
  const view = mailPublic(applies, config.mailFrom);
  return {
    source: row.source,
    ...view,
    secure: applies ? applies.tls === 'implicit' : null,
    authenticated: Boolean(applies?.username),
    version: row.version,
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by,
    environment: mailPublic(env, config.mailFrom),
  };
}

/** A URL to show: without credentials, query or fragment (the environment's may carry them). */
const shownUrl = (url: string | null | undefined) => {
  if (!url) return null;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
};

function smsPublic(s: Pick<SmsOut, 'driver' | 'url' | 'signName' | 'key'>) {
  return { driver: s.driver, url: shownUrl(s.url), signName: s.signName, key: setOrNot(s.key) };
}

export function smsView(row: SmsRow, config: Config) {
  const env = envSms(config);
  const applies =
    row.source === 'environment'
      ? env
      : { driver: row.driver!, url: row.url, key: row.key_enc, signName: row.sign_name! };
  return {
    source: row.source,
    ...smsPublic(applies),
    keySet: Boolean(applies.key),
    version: row.version,
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by,
    environment: smsPublic(env),
  };
}

export type MailView = ReturnType<typeof mailView>;
export type SmsView = ReturnType<typeof smsView>;

export async function settingsViews(deps: Pick<SettingsDeps, 'db' | 'config'>) {
  return {
    mailOut: mailView(await readMail(deps.db), deps.config),
    sms: smsView(await readSms(deps.db), deps.config),
  };
}

// --- saving -------------------------------------------------------------------------------------

export interface MailOutInput {
  host: string;
  port: number;
  tls: MailTls;
  username?: string | null | undefined;
  password?: string | null | undefined;
  from: string;
}

export interface SmsInput {
  driver: 'simulator' | 'http';
  url?: string | null | undefined;
  key?: string | null | undefined;
  signName: string;
}

const auditEntry = (action: string, entityId: string, details: Record<string, unknown>) => ({
  action: `channel_settings.${action}`,
  entityType: 'channel_settings',
  entityId,
  details,
});

type GatewayTable = 'channel_mail_settings' | 'channel_sms_settings';
type GatewayRow = MailRow | SmsRow;
/** A gateway's own columns: its row without the bookkeeping both tables share. */
type OwnColumns<Row> = Omit<Row, 'id' | 'source' | 'version' | 'updated_at' | 'updated_by'>;

/** A gateway's secret (mail: the SMTP password; SMS: the gateway key) and when a kept one holds. */
interface GatewaySecret<Input, Out> {
  field: 'password' | 'key';
  /** What the vault binds it to. */
  context: string;
  /** The audit detail that says whether a save changed it. */
  changed: 'passwordChanged' | 'keyChanged';
  given(input: Input): string | null | undefined;
  of(settings: Out): string | null;
  /** Where it goes: a secret left out of a save is kept only for the same place (see keptSecret). */
  place(settings: Out | Input): string | null;
  /** none: these settings take no secret; required: they cannot work without one. */
  need(input: Input): 'none' | 'optional' | 'required';
  /** The refusal when it is required and none is there or given. */
  missing: string;
  /** The refusal when the place changed and it was left out. */
  again: string;
}

/**
 * One gateway as saving and resetting see it: its row and table, its settings (`Out`, as
 * mailOutOf and smsOutOf give them), its secret and its view. Input: what a save gives, its
 * optional fields already made null.
 */
interface Gateway<Row extends GatewayRow, Input, Out, View> {
  table: GatewayTable;
  /** How a version conflict names it. */
  what: string;
  /** The audit entries' entity id. */
  entityId: string;
  lock(trx: Tx): Promise<Row>;
  out(row: Row, config: Config, vault: PiiVault): Out;
  view(row: Row, config: Config): View;
  /** The settings a save applies, as `out` would give them. */
  applied(input: Input, secret: string | null): Out;
  /** Its own columns for saved settings (the secret given encrypted). */
  columns(input: Input, secretEnc: string | null): OwnColumns<Row>;
  /** Its own columns as a reset leaves them. */
  cleared: { [K in keyof OwnColumns<Row>]: null };
  /** What the audit shows of settings: never the secret, only whether there is one. */
  shown(settings: Out, config: Config): Record<string, unknown>;
  secret: GatewaySecret<Input, Out>;
}

type MailSave = MailOutInput & { username: string | null };
type SmsSave = SmsInput & { url: string | null };

const MAIL_GATEWAY: Gateway<MailRow, MailSave, MailOut | null, MailView> = {
  table: 'channel_mail_settings',
  what: 'mail settings',
  entityId: 'mail_out',
  lock: lockMail,
  out: mailOutOf,
  view: mailView,
  applied: (input, password) => ({ ...input, password, source: 'stored' }),
  columns: (input, passwordEnc) => ({
    host: input.host,
    port: input.port,
    tls: input.tls,
    username: input.username,
    password_enc: passwordEnc,
    mail_from: input.from,
  }),
  cleared: { host: null, port: null, tls: null, username: null, password_enc: null, mail_from: null },
  shown: (m, config) => mailPublic(m, config.mailFrom),
  secret: {
    field: 'password',
    context: MAIL_PASSWORD_CONTEXT,
    changed: 'passwordChanged',
    given: (input) => input.password,
    of: (m) => m?.password ?? null,
    place: (m) => (m ? mailPlace(m) : null),
    // Without a login there is nothing to log in with: no password.
    need: (input) => (input.username ? 'required' : 'none'),
    missing: 'is required with a username',
    again:
      'is required again: the host or user changed (a password is kept only for the server it was given for)',
  },
};

const SMS_GATEWAY: Gateway<SmsRow, SmsSave, SmsOut, SmsView> = {
  table: 'channel_sms_settings',
  what: 'SMS settings',
  entityId: 'sms',
  lock: lockSms,
  out: smsOutOf,
  view: smsView,
  applied: (input, key) => ({
    source: 'stored',
    driver: input.driver,
    url: input.url,
    key,
    signName: input.signName,
  }),
  columns: (input, keyEnc) => ({
    driver: input.driver,
    url: input.url,
    key_enc: keyEnc,
    sign_name: input.signName,
  }),
  cleared: { driver: null, url: null, key_enc: null, sign_name: null },
  shown: smsPublic,
  secret: {
    field: 'key',
    context: SMS_KEY_CONTEXT,
    changed: 'keyChanged',
    given: (input) => input.key,
    of: (s) => s.key,
    place: (s) => smsPlace(s.url),
    need: (input) => (input.driver === 'http' ? 'required' : 'optional'),
    missing: 'is required for the http driver',
    again:
      'is required again: the gateway address changed (a key is kept only for the gateway it was given for)',
  },
};

/** The secret a save stores (see keptSecret); refused when the settings need one they would lack. */
function savedSecret<Input, Out>(rule: GatewaySecret<Input, Out>, input: Input, before: Out): string | null {
  const need = rule.need(input);
  if (need === 'none') return null;
  const kept = keptSecret(
    rule.given(input),
    { secret: rule.of(before), place: rule.place(before) },
    rule.place(input),
  );
  if (kept === 'again') throw unprocessableField(rule.field, rule.again);
  if (kept === null && need === 'required') throw unprocessableField(rule.field, rule.missing);
  return kept;
}

/** Writes a gateway's row, guarded by the version read; `own`: its own columns. */
async function writeRow<Row extends GatewayRow>(
  trx: Tx,
  table: GatewayTable,
  caller: Caller,
  version: number,
  source: SettingsSource,
  own: object,
): Promise<Row> {
  // Typed by the bookkeeping both tables share; the gateway's own columns are typed by its descriptor.
  const shared = trx as unknown as Transaction<
    Record<GatewayTable, Pick<ChannelMailSettingsTable, 'source' | 'version' | 'updated_at' | 'updated_by'>>
  >;
  const updated = await shared
    .updateTable(table)
    .set((eb) => ({
      source,
      ...own,
      version: eb('version', '+', 1),
      updated_at: caller.now,
      updated_by: caller.principal.login,
    }))
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirstOrThrow();
  return updated as unknown as Row;
}

/** Saves a gateway's settings (the secret kept if left out, see keptSecret); audited. */
async function saveGateway<Row extends GatewayRow, Input, Out, View>(
  deps: SettingsDeps,
  caller: Caller,
  gateway: Gateway<Row, Input, Out, View>,
  input: Input,
  expected: number | undefined,
): Promise<View> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await gateway.lock(trx);
    checkVersion(gateway.what, row.version, expected);
    const before = gateway.out(row, deps.config, deps.vault);
    const secret = savedSecret(gateway.secret, input, before);
    const secretEnc = secret === null ? null : deps.vault.encrypt(secret, gateway.secret.context);
    const updated = await writeRow<Row>(
      trx,
      gateway.table,
      caller,
      row.version,
      'stored',
      gateway.columns(input, secretEnc),
    );
    await appendAudit(
      trx,
      caller.actor,
      auditEntry('update', gateway.entityId, {
        before: gateway.shown(before, deps.config),
        beforeSource: row.source,
        after: gateway.shown(gateway.applied(input, secret), deps.config),
        [gateway.secret.changed]: gateway.secret.of(before) !== secret,
      }),
      caller.now,
    );
    return gateway.view(updated, deps.config);
  });
}

/** Back to the environment's settings: the saved ones (secret included) are forgotten; audited. */
async function resetGateway<Row extends GatewayRow, Input, Out, View>(
  deps: SettingsDeps,
  caller: Caller,
  gateway: Gateway<Row, Input, Out, View>,
  expected: number | undefined,
): Promise<View> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await gateway.lock(trx);
    checkVersion(gateway.what, row.version, expected);
    const updated = await writeRow<Row>(
      trx,
      gateway.table,
      caller,
      row.version,
      'environment',
      gateway.cleared,
    );
    await appendAudit(
      trx,
      caller.actor,
      auditEntry('reset', gateway.entityId, { beforeSource: row.source }),
      caller.now,
    );
    return gateway.view(updated, deps.config);
  });
}

/** Saves how mail goes out (all fields; the password kept if left out, see keptSecret); audited. */
export async function saveMailOut(
  deps: SettingsDeps,
  caller: Caller,
  input: MailOutInput,
  expected: number | undefined,
): Promise<MailView> {
  return saveGateway(deps, caller, MAIL_GATEWAY, { ...input, username: input.username ?? null }, expected);
}

/** Saves the SMS/voice driver (the key kept if left out, see keptSecret); audited. */
export async function saveSms(
  deps: SettingsDeps,
  caller: Caller,
  input: SmsInput,
  expected: number | undefined,
): Promise<SmsView> {
  return saveGateway(deps, caller, SMS_GATEWAY, { ...input, url: input.url ?? null }, expected);
}

/** Back to the environment's mail settings (the saved password forgotten); audited. */
export async function resetMailOut(
  deps: SettingsDeps,
  caller: Caller,
  expected: number | undefined,
): Promise<MailView> {
  return resetGateway(deps, caller, MAIL_GATEWAY, expected);
}

/** Back to the environment's SMS settings (the saved key forgotten); audited. */
export async function resetSms(
  deps: SettingsDeps,
  caller: Caller,
  expected: number | undefined,
): Promise<SmsView> {
  return resetGateway(deps, caller, SMS_GATEWAY, expected);
}
