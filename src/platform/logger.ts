import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { maskFreeText } from './pii/free-text.ts';

// Phone numbers (mainland mobile, 11 digits; fixed lines with area code), resident ID numbers
// (18 chars) and email addresses (also URL-encoded) in free text.
// A mobile may carry the country code (+86, 86, URL-encoded %2B86) directly in front.
const MOBILE = /(?<!\d)((?:\+|%2B)?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d)/gi;
// Ids are never personal: left whole so that log lines still name the record.
const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const FIXED_LINE = /(?<![0-9A-Za-z])(0[12]\d|0[3-9]\d{2})(?:-|%2D)?\d{3,4}(\d{4})(?!\d)/gi;
const EMAIL = /([A-Za-z0-9])[A-Za-z0-9._%+-]*(@|%40)([A-Za-z0-9-]+\.[A-Za-z0-9.-]+)/g;
// A mobile number inside a slightly longer run of digits (one typed too many) still is one.
const LONG_MOBILE = /(?<!\d)(1[3-9]\d)\d{5,6}(\d{4})(?!\d)/g;

/**
 * Masks personal identifiers inside text such as URLs and error messages, so log lines never carry
 * them: the URL-encoded forms below, then everything `maskFreeText` finds (phones and ID numbers
 * with any separators, bank cards, emails, street-level addresses).
 */
export function maskPiiInText(text: string): string {
  return eachOutsideUuids(text, (part) =>
    maskFreeText(
      part
        .replace(RESIDENT_ID, '$1***********$2')
        .replace(MOBILE, '$1$2****$3')
        .replace(FIXED_LINE, '$1****$2')
        .replace(EMAIL, '$1***$2$3')
        .replace(LONG_MOBILE, '$1****$2'),
    ),
  );
}

// split() with a capturing group keeps the UUIDs at the odd indexes.
const eachOutsideUuids = (text: string, f: (part: string) => string) =>
  text
    .split(UUID)
    .map((part, i) => (i % 2 === 1 ? part : f(part)))
    .join('');

// What is left after masking and still has 7 or more digits, whatever stands between them
// (1 3 9 1 2 3 4…): only its last four digits stay in a log line. Dates stay.
const DIGIT_RUN = /(?<![0-9A-Za-z])[0-9０-９](?:[^0-9０-９A-Za-z\u3400-\u9fff*]{0,3}[0-9０-９]){6,}/g;
const DATE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:[ T]\d{1,2})?$/;

/** A search or filter value for a log line: masked, and no long run of digits left readable. */
export function maskLogValue(value: string): string {
  return eachOutsideUuids(maskPiiInText(value), (part) =>
    part.replace(DIGIT_RUN, (run) => {
      if (DATE.test(run)) return run;
      const digits = run.replace(/[^0-9０-９]/g, '');
      return `****${digits.slice(-4)}`;
    }),
  );
}

/** `%xx` escapes decoded (valid ones; a malformed one stays), `+` as a space in a query. */
function decodeLoose(s: string, query: boolean): string {
  let out = query ? s.replace(/\+/g, ' ') : s;
  // Encoded more than once (%2520) still decodes to what it hides.
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    const next = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * A request URL for a log line. Every path segment and every query key and value is decoded first
 * (`%20`, `+`, `%2B`, `%2D`…) and masked as a whole, so `q=139+1234+5678` or
 * `q=320106%2019870623%200014` never reach the log; unchanged parts are logged as they came.
 */
export function maskUrlForLog(url: string): string {
  const q = url.indexOf('?');
  const piece = (raw: string, query: boolean) => {
    if (!/[0-9%@０-９]/.test(raw)) return raw; // nothing personal without digits or escapes
    const decoded = decodeLoose(raw, query);
    const masked = maskLogValue(decoded);
    return masked === decoded ? raw : encodeURIComponent(masked);
  };
  const path = (q < 0 ? url : url.slice(0, q))
    .split('/')
    .map((seg) => piece(seg, false))
    .join('/');
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0
        ? piece(pair, true)
        : `${piece(pair.slice(0, eq), true)}=${piece(pair.slice(eq + 1), true)}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Error serializer: database errors can quote values (e.g. a duplicate key's detail). */
function maskedError(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = maskPiiInText(v);
  return out;
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.phone',
  '*.mobile',
  '*.idNumber',
  '*.address',
  '*.email',
  '*.officePhone',
  '*.serviceAddress',
];

/**
 * `ONEPOINT_LOG_FORMAT`: `auto` is readable lines when stdout is a terminal (a person watching) and
 * one JSON object per line otherwise (a log collector, a service manager, a pipe).
 */
export function usePrettyLogs(
  format: 'auto' | 'json' | 'pretty',
  isTty = process.stdout.isTTY === true,
): boolean {
  return format === 'pretty' || (format === 'auto' && isTty);
}

/**
 * Readable, one-line log output for a terminal (pino-pretty, written synchronously so a line is out
 * before the process stops). Undefined when pino-pretty is not installed: JSON then.
 */
export function prettyDestination(
  output: NodeJS.WritableStream = process.stdout,
): pino.DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pretty({
      destination: output,
      sync: true,
      colorize: 'isTTY' in output && output.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service,reqId,startup',
      singleLine: true,
    });
  } catch {
    return undefined;
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'onepoint' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: maskUrlForLog(req.url),
          ip: req.ip,
        }),
        err: maskedError,
      },
    },
    destination,
  );
}

export type { Logger };
