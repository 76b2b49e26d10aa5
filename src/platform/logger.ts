import pino, { type Logger } from 'pino';

// Phone numbers (mainland mobile, 11 digits) and resident ID numbers (18 chars) in free text.
const MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/** Masks personal identifiers inside free text such as URLs, so log lines never carry them. */
export function maskPiiInText(text: string): string {
  return text.replace(RESIDENT_ID, '$1***********$2').replace(MOBILE, '$1****$2');
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
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

export type { Logger };
