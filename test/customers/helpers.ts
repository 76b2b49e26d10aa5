// Shared by the customers integration tests: a test server whose log lines are captured, and the
// raw personal values of the seeded customers (to prove that none of them ever leaks).
import { Writable } from 'node:stream';
import type { Db } from '../../src/db.ts';
import type { PiiVault } from '../../src/modules/customers/index.ts';
import { createTestServer, type TestServer } from '../harness.ts';

export interface CapturingServer extends TestServer {
  /** Every log line written so far (JSON text), at level trace. */
  logs: string[];
}

export async function createCapturingServer(env: Record<string, string> = {}): Promise<CapturingServer> {
  const logs: string[] = [];
  const logSink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const server = await createTestServer({ env: { LOG_LEVEL: 'trace', ...env }, logSink });
  return { ...server, logs };
}

/** The development key the demo seed encrypts with when ONEPOINT_PII_KEYS is unset. */
export const DEV_KEY_BASE64 = Buffer.alloc(32, 'onepoint-development-pii-key').toString('base64');

/** Raw personal values stored for seeded customers: phones, emails, addresses, ID numbers. */
export async function rawPersonalValues(db: Db, vault: PiiVault): Promise<string[]> {
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'phone', 'email', 'address', 'id_number_enc'])
    .execute();
  const contacts = await db
    .selectFrom('customer_contacts')
    .select(['mobile', 'office_phone', 'email'])
    .execute();
  const instances = await db
    .selectFrom('product_instances')
    .select(['account_no', 'service_address'])
    .execute();
  const values = new Set<string>();
  for (const c of customers) {
    for (const v of [c.phone, c.email, c.address]) if (v) values.add(v);
    if (c.id_number_enc) values.add(vault.decrypt(c.id_number_enc, `customers.id_number:${c.id}`));
  }
  for (const c of contacts) for (const v of [c.mobile, c.office_phone, c.email]) if (v) values.add(v);
  for (const i of instances) {
    if (i.service_address) values.add(i.service_address);
    if (/^1[3-9]\d{9}$/.test(i.account_no) || /^0\d{9,11}$/.test(i.account_no)) values.add(i.account_no);
  }
  return [...values];
}

/**
 * The raw values that occur in a text (a response body or log line). A digit string counts where it
 * could be read as the number, not where it is part of a longer token that happens to contain it:
 * the fraction of a float (a log line's `responseTime: 2.1390000000000002`) or a UUID.
 */
export function leaksIn(text: string, raw: string[]): string[] {
  return raw.filter((v) => {
    if (!/^\d+$/.test(v)) return text.includes(v);
    for (let at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
      if (!insideOtherToken(text, at, at + v.length)) return true;
    }
    return false;
  });
}

function insideOtherToken(text: string, from: number, to: number): boolean {
  let start = from;
  while (start > 0 && /[\w.-]/.test(text[start - 1]!)) start -= 1;
  let end = to;
  while (end < text.length && /[\w.-]/.test(text[end]!)) end += 1;
  const token = text.slice(start, end);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) return true;
  // The digits after a decimal point.
  return /\d\.\d*$/.test(text.slice(start, from));
}
