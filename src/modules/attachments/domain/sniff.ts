/**
 * What a file is, read from its bytes (magic numbers), never from the client's Content-Type: an
 * attachment is served back to other staff and customers, so a disguised program or page must not
 * get through as "a photo of the modem". Pure: no I/O.
 */

/** The kinds of file an attachment may be. */
export const ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'text/plain',
  'text/csv',
] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/** Media types a client may send the body as; anything else is refused before it is read. */
export const UPLOAD_BODY_TYPES: readonly string[] = ['application/octet-stream', ...ALLOWED_TYPES];

/** Stable reasons a file is refused (in the error's `details.reason`). */
export type RefusalReason =
  'ATTACHMENT_EMPTY' | 'ATTACHMENT_EXECUTABLE' | 'ATTACHMENT_TYPE_NOT_ALLOWED' | 'ATTACHMENT_TYPE_MISMATCH';

export type Sniffed =
  { ok: true; contentType: AllowedType } | { ok: false; reason: RefusalReason; message: string };

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Programs and scripts, whatever they are called: Windows PE, ELF, Mach-O, Java class, shebang. */
export function isExecutable(b: Uint8Array): boolean {
  return (
    startsWith(b, ascii('MZ')) ||
    startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) ||
    startsWith(b, [0xfe, 0xed, 0xfa, 0xce]) ||
    startsWith(b, [0xfe, 0xed, 0xfa, 0xcf]) ||
    startsWith(b, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(b, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(b, [0xca, 0xfe, 0xba, 0xbe]) ||
    startsWith(b, ascii('#!')) ||
    startsWith(b, [0xef, 0xbb, 0xbf, 0x23, 0x21])
  );
}

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

/**
 * The names of a ZIP file's entries, from its central directory (undefined when it is not a
 * readable ZIP). Office documents (OOXML) are ZIPs whose entries say which application made them.
 */
export function zipEntryNames(b: Uint8Array, max = 5000): string[] | undefined {
  // The end-of-central-directory record is in the last 22 + 65 535 bytes.
  const stop = Math.max(0, b.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = b.length - 22; i >= stop; i--)
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  if (eocd < 0) return undefined;
  const count = u16(b, eocd + 10);
  let at = u32(b, eocd + 16);
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let n = 0; n < Math.min(count, max); n++) {
    if (at + 46 > b.length || u32(b, at) !== 0x02014b50) return undefined;
    const nameLen = u16(b, at + 28);
    const extraLen = u16(b, at + 30);
    const commentLen = u16(b, at + 32);
    if (at + 46 + nameLen > b.length) return undefined;
    names.push(decoder.decode(b.subarray(at + 46, at + 46 + nameLen)));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const OOXML: ReadonlyArray<[string, AllowedType]> = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

/** An Office Open XML document, or undefined for any other ZIP (archives may carry programs). */
function officeZipType(b: Uint8Array): AllowedType | undefined {
  const names = zipEntryNames(b);
  if (!names?.includes('[Content_Types].xml')) return undefined;
  // A macro project (vbaProject.bin) is code: refused like a program would be.
  if (names.some((n) => /vbaProject\.bin$/i.test(n))) return undefined;
  return OOXML.find(([dir]) => names.some((n) => n.startsWith(dir)))?.[1];
}

const LEGACY_OFFICE: readonly AllowedType[] = [
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
];
const LEGACY_BY_EXTENSION: Record<string, AllowedType> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** Text: no NUL and no control character other than tab, line breaks and form feed. */
function isText(b: Uint8Array): boolean {
  for (const x of b) if (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c) return false;
  return !b.includes(0x7f);
}

/** The types a file's bytes can be (several when the bytes cannot tell them apart). */
export function detectTypes(b: Uint8Array, fileName: string): readonly AllowedType[] {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ['image/png'];
  if (startsWith(b, [0xff, 0xd8, 0xff])) return ['image/jpeg'];
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return ['image/gif'];
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return ['image/webp'];
  if (startsWith(b, ascii('BM')) && b.length >= 26 && u32(b, 2) === b.length) return ['image/bmp'];
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return ['image/tiff'];
  if (startsWith(b, ascii('%PDF-'))) return ['application/pdf'];
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) {
    const t = officeZipType(b);
    return t ? [t] : [];
  }
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // Compound documents (.doc/.xls/.ppt) do not say which from their first bytes: the name tells.
    const byName = LEGACY_BY_EXTENSION[extensionOf(fileName)];
    return byName ? [byName, ...LEGACY_OFFICE.filter((t) => t !== byName)] : LEGACY_OFFICE;
  }
  if (isText(b))
    return extensionOf(fileName) === 'csv' ? ['text/csv', 'text/plain'] : ['text/plain', 'text/csv'];
  return [];
}

export const extensionOf = (fileName: string) => {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
};

/**
 * Checks a file: not empty, not a program, one of the allowed types by its bytes, and — when the
 * client named a type other than application/octet-stream — the type the bytes are.
 */
export function sniff(bytes: Uint8Array, fileName: string, declared?: string): Sniffed {
  if (bytes.length === 0) return { ok: false, reason: 'ATTACHMENT_EMPTY', message: 'The file is empty' };
  if (isExecutable(bytes))
    return {
      ok: false,
      reason: 'ATTACHMENT_EXECUTABLE',
      message: 'The file is a program or script; such files cannot be attached',
    };
  const types = detectTypes(bytes, fileName);
  if (types.length === 0)
    return {
      ok: false,
      reason: 'ATTACHMENT_TYPE_NOT_ALLOWED',
      message:
        'The file is not an allowed kind: images (PNG, JPEG, GIF, WebP, BMP, TIFF), PDF, Office documents or plain text',
    };
  const d = declared?.split(';')[0]?.trim().toLowerCase();
  if (!d || d === 'application/octet-stream') return { ok: true, contentType: types[0]! };
  const match = types.find((t) => t === d);
  if (match) return { ok: true, contentType: match };
  return {
    ok: false,
    reason: 'ATTACHMENT_TYPE_MISMATCH',
    message: `The file's content is ${types[0]}, not the ${d} it was sent as`,
  };
}
