import pino, { type Logger } from 'pino';

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

/** Masks personal identifiers inside free text such as URLs, so log lines never carry them. */
export function maskPiiInText(text: string): string {
  // split() with a capturing group keeps the UUIDs at the odd indexes.
  return text
    .split(UUID)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(RESIDENT_ID, '$1***********$2')
            .replace(MOBILE, '$1$2****$3')
            .replace(FIXED_LINE, '$1****$2')
            .replace(EMAIL, '$1***$2$3')
            .replace(LONG_MOBILE, '$1****$2'),
    )
    .join('');
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
          url: maskPiiInText(req.url),
          ip: req.ip,
        }),
        err: maskedError,
      },
    },
    destination,
  );
}

export type { Logger };
