/**
 * Personal information inside free text — notes, titles, tags, attributes, circuit A/Z ends,
 * descriptions, reasons, and (later) service requests — found and masked the way the fields
 * themselves are masked. Pure, no I/O. The one function every module uses:
 *
 *   maskFreeText('王先生 139 1234 5678，住江苏省南京市玄武区中山路18号3栋')
 *     → '王先生 139****5678，住江苏省南京市玄武区****'
 *
 * What is found (README.md beside this file has the rules and examples):
 * - mainland mobiles and fixed lines, however written: spaces, dashes, dots or `+` between the
 *   groups, `+86` / `0086` / `86` in front, the area code in brackets → `139****5678`, `025****1234`;
 *   a 7–8 digit local number only right after a word such as 电话/座机/tel → `****1234`;
 * - resident ID numbers (18 characters with a real birth date, X check digit; the old 15-digit
 *   form), with or without separators → `320***********0014` (check digit not required: a
 *   mistyped number still identifies the person);
 * - bank card numbers: 16–19 digits starting 3–6 or 9 that pass the Luhn check, or start with 62
 *   (UnionPay; some of its debit cards do not pass Luhn), or are written in groups of four; and
 *   15-digit American Express (34/37 + Luhn) → `6222**********1234`. Other long numbers — order
 *   and ticket numbers (they start 1, 2 or 8), ICCIDs (8986…), IMEIs — stay readable;
 * - email addresses → `z***@example.com`;
 * - the street level of a Chinese address with a number in it (路/街/巷/弄/道/里 + 号, 栋/幢/单元,
 *   村 + 组/号, 座/楼/层 + 室): the province, city and district before it stay, the rest becomes
 *   `****` — as `maskAddress` shows an address field (`江苏省南京市玄武区****`).
 * Dates, times, amounts, IP addresses, customer numbers (C1000197), circuit ids, UUIDs and short
 * numbers stay as they are. Masks are idempotent: masking masked text changes nothing.
 *
 * `restoreMaskedFreeText` is the way back for writes: a client that edits a note it read masked
 * sends the masks back; each mask still in the text stands for the value it hid in the stored text.
 */

export type FreeTextPiiKind = 'mobile' | 'fixed' | 'idNumber' | 'bankCard' | 'email' | 'address';

export interface FreeTextFinding {
  kind: FreeTextPiiKind;
  /** UTF-16 offsets into the text: [start, end). */
  start: number;
  end: number;
  /** What replaces text.slice(start, end). */
  masked: string;
}

/** `text` with every phone, ID number, bank card, email and street-level address masked. */
export function maskFreeText(text: string): string {
  const found = findPersonalData(text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + f.masked;
    at = f.end;
  }
  return out + text.slice(at);
}

/** Every string inside a JSON-like value masked (object keys stay: they are labels). */
export function maskFreeTextDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return maskFreeText(value) as T;
  if (depth > 16 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskFreeTextDeep(v, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskFreeTextDeep(v, depth + 1)]),
  ) as T;
}

/**
 * The text a client sent back after editing what it read masked, with each mask that the stored
 * text produced replaced by the value it hides (in order of appearance; a mask repeated more often
 * than stored keeps its value only if all it stood for were the same). Without this, saving an
 * edited note would replace every phone number in it with its mask. Masks the stored text did not
 * produce stay as typed.
 */
export function restoreMaskedFreeText(edited: string, stored: string | null | undefined): string {
  if (!stored || !edited.includes('*')) return edited;
  const originals = new Map<string, string[]>();
  for (const f of findPersonalData(stored)) {
    const list = originals.get(f.masked) ?? [];
    list.push(stored.slice(f.start, f.end));
    originals.set(f.masked, list);
  }
  if (originals.size === 0) return edited;
  // Longest first: `139****5678` before the address mask `****` it contains.
  const masks = [...originals.keys()].sort((a, b) => b.length - a.length);
  const alternatives = masks.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // Whole masks only: the address mask `****` is not the middle of `187****1271`.
  const pattern = new RegExp(`(?<![0-9*])(?:${alternatives})(?![0-9*])`, 'g');
  const used = new Map<string, number>();
  return edited.replace(pattern, (mask) => {
    const list = originals.get(mask)!;
    const n = used.get(mask) ?? 0;
    used.set(mask, n + 1);
    if (n < list.length) return list[n]!;
    return list.every((v) => v === list[0]) ? list[0]! : mask;
  });
}

// Nothing to find without a digit (Arabic or Chinese) or an @: most labels and names.
const MAY_HOLD = /[0-9０-９@一二三四五六七八九十百千零〇两]/;

/** Every piece of personal information in `text`, in order, not overlapping. */
export function findPersonalData(text: string): FreeTextFinding[] {
  if (!MAY_HOLD.test(text)) return [];
  const found: FreeTextFinding[] = [];
  // Emails first (their local part may be a phone number), UUIDs are left whole (ids, not data).
  const taken: Array<[number, number]> = [];
  for (const m of text.matchAll(EMAIL)) {
    const local = m[1]!;
    found.push({
      kind: 'email',
      start: m.index,
      end: m.index + m[0].length,
      masked: `${local[0]}***@${m[2]}`,
    });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of text.matchAll(UUID)) taken.push([m.index, m.index + m[0].length]);
  taken.sort((a, b) => a[0] - b[0]);
  // The gaps between those, scanned for addresses, then numbers.
  let at = 0;
  const gaps: Array<[number, number]> = [];
  for (const [s, e] of taken) {
    if (s > at) gaps.push([at, s]);
    at = Math.max(at, e);
  }
  if (at < text.length) gaps.push([at, text.length]);
  for (const [from, to] of gaps) {
    const addresses = findAddresses(text, from, to);
    found.push(...addresses);
    let p = from;
    for (const a of [...addresses, { start: to, end: to }]) {
      if (a.start > p) found.push(...findNumbers(text, p, a.start));
      p = a.end;
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

// ---- Emails and UUIDs ----

const EMAIL =
  /(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const UUID = /(?<![0-9A-Za-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9A-Za-z])/gi;

// ---- Numbers: phones, ID numbers, bank cards ----

const isDigit = (c: string | undefined) =>
  c !== undefined && ((c >= '0' && c <= '9') || (c >= '０' && c <= '９'));
const isAsciiLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
const asciiDigit = (c: string) =>
  c >= '０' && c <= '９' ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c;
const SPACES = new Set([' ', '\u00a0', '\u3000']);
const DASHES = new Set(['-', '‐', '‑', '–', '—', '－', '.', '．', '+', '＋']);
const OPEN = new Set(['(', '（']);
const CLOSE = new Set([')', '）']);
const PLUS = new Set(['+', '＋']);

interface Group {
  from: number;
  to: number;
  digits: string;
  /** The separator before this group (empty for the first). */
  sep: string;
}
interface Run {
  /** Where the number starts: its opening bracket (closed after the area code) or plus sign. */
  start: number;
  end: number;
  plus: boolean;
  groups: Group[];
  /** The last group ends with an X (an ID number's check character). */
  x: boolean;
}

function skipSpaces(text: string, j: number, max: number): number {
  let n = 0;
  while (n < max && SPACES.has(text[j]!)) {
    j++;
    n++;
  }
  return j;
}

/** Digit groups from `i`, joined by one separator each (spaces, a dash, dot or plus, a bracket). */
function readRun(text: string, i: number, limit: number): Run | undefined {
  let j = i;
  let open = false;
  let plus = false;
  let plusAt: number | undefined;
  if (OPEN.has(text[j]!)) {
    open = true;
    j = skipSpaces(text, j + 1, 1);
  }
  if (PLUS.has(text[j]!)) {
    plus = true;
    plusAt = j;
    j = skipSpaces(text, j + 1, 1);
  }
  if (!isDigit(text[j]) || j >= limit) return undefined;
  const groups: Group[] = [];
  let sep = '';
  for (;;) {
    const from = j;
    let digits = '';
    while (j < limit && isDigit(text[j])) digits += asciiDigit(text[j++]!);
    groups.push({ from, to: j, digits, sep });
    // A separator, then more digits?
    let k = skipSpaces(text, j, 2);
    const closes = open && CLOSE.has(text[k]!);
    if (closes) {
      k = skipSpaces(text, k + 1, 2);
      if (DASHES.has(text[k]!) && !PLUS.has(text[k]!)) k = skipSpaces(text, k + 1, 2);
    } else if (DASHES.has(text[k]!)) k = skipSpaces(text, k + 1, 2);
    if (k === j || k >= limit || !isDigit(text[k])) break;
    if (closes) open = false;
    sep = text.slice(j, k);
    j = k;
  }
  // A bracket never closed (（139 1234 5678）) is the sentence's, not the number's.
  const start = open ? (plusAt ?? groups[0]!.from) : i;
  let x = false;
  let end = j;
  if ((text[j] === 'X' || text[j] === 'x') && j < limit && !/[0-9A-Za-z]/.test(text[j + 1] ?? '')) {
    x = true;
    end = j + 1;
  }
  return { start, end, plus, groups, x };
}

const PROVINCES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(
    ' ',
  ),
);

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function luhn(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const shape = (lengths: number[]) => lengths.join('-');
const MOBILE_SHAPES = new Set(['11', '3-4-4', '3-8', '7-4', '4-3-4']);

function mobileMask(d: string, lengths: number[], seps: string[]): string | undefined {
  if (!/^1[3-9]\d{9}$/.test(d) || !MOBILE_SHAPES.has(shape(lengths))) return undefined;
  // 139.12345678 is a decimal number, not a phone number.
  if (lengths.length === 2 && /^[.．]$/.test(seps[1]!.trim())) return undefined;
  return `${d.slice(0, 3)}****${d.slice(7)}`;
}

function fixedMask(d: string, lengths: number[]): string | undefined {
  if (!/^0(?:[12]\d|[3-9]\d\d)/.test(d)) return undefined;
  const area = /^0[12]/.test(d) ? 3 : 4;
  if (!/^[2-9]\d{6,7}$/.test(d.slice(area))) return undefined;
  // One group, or the area code then the local number (in one or two groups).
  const ok =
    lengths.length === 1 ||
    (lengths[0] === area && lengths.length <= 3 && lengths.slice(1).every((n) => n >= 3));
  return ok ? `${d.slice(0, area)}****${d.slice(-4)}` : undefined;
}

function idMask(d: string, lengths: number[]): string | undefined {
  if (!lengths.every((n) => n >= 2)) return undefined;
  if (!PROVINCES.has(d.slice(0, 2))) return undefined;
  if (d.length === 18 && /^\d{17}[\dX]$/.test(d)) {
    const y = Number(d.slice(6, 10));
    if (y < 1900 || y > 2099 || !realDate(y, Number(d.slice(10, 12)), Number(d.slice(12, 14))))
      return undefined;
    return `${d.slice(0, 3)}${'*'.repeat(11)}${d.slice(14)}`;
  }
  if (d.length === 15 && /^\d{15}$/.test(d) && (lengths.length === 1 || shape(lengths) === '6-6-3')) {
    if (!realDate(1900 + Number(d.slice(6, 8)), Number(d.slice(8, 10)), Number(d.slice(10, 12))))
      return undefined;
    return `${d.slice(0, 3)}${'*'.repeat(8)}${d.slice(11)}`;
  }
  return undefined;
}

function cardMask(d: string, lengths: number[]): string | undefined {
  if (!/^\d+$/.test(d)) return undefined;
  const fours = lengths.length >= 3 && lengths.slice(0, -1).every((n) => n === 4) && lengths.at(-1)! <= 4;
  const grouped =
    lengths.length === 1 || fours || (lengths.length === 2 && lengths[0] === 6) || shape(lengths) === '4-6-5';
  if (!grouped) return undefined;
  const card =
    (d.length >= 16 && d.length <= 19 && /^[3-69]/.test(d) && (luhn(d) || d.startsWith('62') || fours)) ||
    (d.length === 15 && /^3[47]/.test(d) && luhn(d));
  return card ? `${d.slice(0, 4)}${'*'.repeat(d.length - 8)}${d.slice(-4)}` : undefined;
}

// A local number without area code is a phone only where a word says so.
const PHONE_WORD = /(?:电话|座机|固话|宅电|手机|致电|拨打|联系方式|tel|phone)(?:号码?)?[\s:：是为]*$/i;

function localMask(text: string, at: number, d: string, lengths: number[]): string | undefined {
  if (!/^[2-9]\d{6,7}$/.test(d) || !['7', '8', '3-4', '4-4', '4-3'].includes(shape(lengths)))
    return undefined;
  return PHONE_WORD.test(text.slice(Math.max(0, at - 12), at)) ? `****${d.slice(-4)}` : undefined;
}

/** Groups [g, k) of a run as one number: which kind, and its mask. */
function classify(
  text: string,
  run: Run,
  g: number,
  k: number,
): { kind: FreeTextPiiKind; masked: string } | undefined {
  const groups = run.groups.slice(g, k);
  const withX = run.x && k === run.groups.length;
  const d = groups.map((x) => x.digits).join('') + (withX ? 'X' : '');
  const lengths = groups.map((x) => x.digits.length);
  const seps = groups.map((x) => x.sep);
  if (withX) {
    const id = idMask(d, lengths);
    return id ? { kind: 'idNumber', masked: id } : undefined;
  }
  // A country code in front: +86 / 0086 / 86, as its own group or run into the number.
  const plus = run.plus && g === 0;
  const national: Array<{ d: string; lengths: number[]; seps: string[] }> = [];
  const first = lengths[0]!;
  if ((plus && groups[0]!.digits === '86') || groups[0]!.digits === '0086') {
    if (groups.length > 1)
      national.push({ d: d.slice(first), lengths: lengths.slice(1), seps: seps.slice(1) });
  } else if (groups[0]!.digits === '86' && groups.length > 1) {
    const rest = d.slice(2);
    if (mobileMask(rest, lengths.slice(1), seps.slice(1)))
      national.push({ d: rest, lengths: lengths.slice(1), seps: seps.slice(1) });
  } else if (lengths.length === 1 && /^(?:0086|86)1[3-9]\d{9}$/.test(d)) {
    // +8613912345678, 008613912345678
    national.push({ d: d.slice(d.length - 11), lengths: [11], seps: [''] });
  }
  for (const n of national) {
    const mobile = mobileMask(n.d, n.lengths, n.seps);
    if (mobile) return { kind: 'mobile', masked: mobile };
    // +86 25 8456 1234: the area code without its 0.
    const fixed = fixedMask(`0${n.d}`, [n.lengths[0]! + 1, ...n.lengths.slice(1)]);
    if (fixed) return { kind: 'fixed', masked: fixed };
  }
  const id = idMask(d, lengths);
  if (id) return { kind: 'idNumber', masked: id };
  const mobile = mobileMask(d, lengths, seps);
  if (mobile) return { kind: 'mobile', masked: mobile };
  const fixed = fixedMask(d, lengths);
  if (fixed) return { kind: 'fixed', masked: fixed };
  const card = cardMask(d, lengths);
  if (card) return { kind: 'bankCard', masked: card };
  const local = localMask(text, groups[0]!.from, d, lengths);
  if (local) return { kind: 'fixed', masked: local };
  return undefined;
}

function findNumbers(text: string, from: number, to: number): FreeTextFinding[] {
  const out: FreeTextFinding[] = [];
  let i = from;
  while (i < to) {
    const c = text[i]!;
    const before = text[i - 1];
    const startable =
      (isDigit(c) || ((OPEN.has(c) || PLUS.has(c)) && /[0-9０-９+＋]/.test(text.slice(i + 1, i + 3)))) &&
      !isDigit(before) &&
      // The digits after a decimal point are not a number of their own.
      !(/[.．]/.test(before ?? '') && isDigit(text[i - 2]));
    const run = startable ? readRun(text, i, to) : undefined;
    if (!run) {
      i++;
      continue;
    }
    // Glued between letters (ETN13912345678NP), digits are part of a code, not a number.
    const afterRun = text[run.end];
    const code = isAsciiLetter(before) && /[0-9A-Za-z]/.test(afterRun ?? '');
    let g = 0;
    while (!code && g < run.groups.length) {
      let hit: { k: number; kind: FreeTextPiiKind; masked: string } | undefined;
      // No number we look for has more than 6 groups or 19 digits (a prefix 0086 aside).
      let k = g;
      let digits = 0;
      while (k < run.groups.length && k - g < 6 && digits + run.groups[k]!.digits.length <= 23)
        digits += run.groups[k++]!.digits.length;
      for (; k > g && !hit; k--) {
        const c2 = classify(text, run, g, k);
        if (c2) hit = { k, ...c2 };
      }
      if (!hit) {
        g++;
        // 0.13912345678, v1.3.9: digits after a point start no number.
        while (g < run.groups.length && /^[.．]$/.test(run.groups[g]!.sep)) g++;
        continue;
      }
      const start = g === 0 ? run.start : run.groups[g]!.from;
      const end = hit.k === run.groups.length ? run.end : run.groups[hit.k - 1]!.to;
      out.push({ kind: hit.kind, start, end, masked: hit.masked });
      g = hit.k;
    }
    i = Math.max(run.end, i + 1);
  }
  return out;
}

// ---- Addresses: the street level ----

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const NUM = '(?:[0-9０-９]+|[一二三四五六七八九十百千零〇两]+)';
const ARABIC = '[0-9０-９]+';
/** Where a street-level address shows itself: a numbered part that only addresses have. */
const ANCHOR = new RegExp(
  [
    // 中山路18号, 汉中门大街128号, 100弄5号, 人民大道1号, 百花里3号 (not 线路3号, 管道3号井, 5公里3号)
    `(?:(?<![线电回光链支通油气网])路|(?<![通频信轨管车跑隧航坡渠街])道|街|巷|弄|胡同|(?<![公英海千万这那哪家心])里)\\s*${NUM}\\s*(?:号(?![机柜线位台口端板卡槽码单段])|弄|巷)`,
    // 3栋, 5幢, 2单元, 5号楼
    `(?<![0-9０-９])${ARABIC}\\s*(?:栋|幢|单元|号楼|#楼|#栋)`,
    // 石埝村3组, 王庄3号 (not 装维3组: a team)
    `(?:村|庄|屯|寨|社区)\\s*${NUM}\\s*(?:组|队|社|号)`,
    // B座1203室, 12楼1203室, 3层305号
    `(?:[A-Za-z]|(?<![0-9０-９])${ARABIC})?\\s*(?:座|楼|层)\\s*${ARABIC}\\s*(?:室|号)`,
    // 阳光花园3-2-501 (building-unit-room)
    `(?:小区|花园|苑|公寓|新村|家园|山庄|大厦|广场|城|府|园|里)\\s*${ARABIC}(?:\\s*[-－]\\s*${ARABIC}){1,3}`,
  ].join('|'),
  'g',
);
/** One more numbered part right after: 3栋, 2单元, 501室, -501, 十八号. */
const NEXT_PART = new RegExp(
  `\\s?[-－—]?\\s?${NUM}\\s*(?:号楼|号院|号|栋|幢|座|单元|室|楼|层|户|组|弄|巷|#)|\\s?[-－]\\s?${ARABIC}(?![0-9０-９])|[A-Za-z]\\s*(?:座|栋|幢)`,
  'y',
);
const BARE_NUMBER = new RegExp(`${ARABIC}(?![0-9０-９]|\\s*[年月日时点分秒元块个%．.])`, 'y');
const NUMBERED_AHEAD = new RegExp(`(?:${NUM}|[A-Za-z])\\s*(?:号楼|号院|号|栋|幢|座|单元|室|楼|层)`, 'y');
const UNIT_CHARS = new Set([...'号栋幢座元室楼层户组弄巷#']);
/** The administrative level kept in front (as maskAddress keeps it). */
const ADMIN = new Set([...'省市区县旗']);
/** Words around an address, not part of it: the street level starts after them. */
const STOP = new Set([
  ...'在住于到往至去来是为的了和与及或从向近旁对把被给让请说要已将会能可需该此这那其也都还就又再并但而且即则如若因所以之着过得他她它我你您们年月日时分秒点家址',
]);
const MAX_BACK = 14;

// Every anchor ends in one of these (or 园/城/… before 3-2-501): without one, no address.
const ANCHOR_CHARS = /[号弄巷栋幢元楼组队社室区园苑寓村城府里场厦]/;

function findAddresses(text: string, from: number, to: number): FreeTextFinding[] {
  if (!ANCHOR_CHARS.test(text.slice(from, to))) return [];
  const out: FreeTextFinding[] = [];
  const slice = text.slice(0, to);
  ANCHOR.lastIndex = from;
  let floor = from;
  for (let m = ANCHOR.exec(slice); m; m = ANCHOR.exec(slice)) {
    if (m.index < floor) continue;
    // Back over the street, estate or village name, up to the district (kept) or a word not in it.
    let start = m.index;
    while (start > floor && m.index - start < MAX_BACK) {
      const c = text[start - 1]!;
      if (!CJK.test(c) || STOP.has(c) || ADMIN.has(c)) break;
      start--;
    }
    // Forward over the building, unit, room: 18号阳光花园3栋2单元501室.
    let end = m.index + m[0].length;
    for (;;) {
      NEXT_PART.lastIndex = end;
      const part = NEXT_PART.exec(slice);
      if (part) {
        end += part[0].length;
        continue;
      }
      if (UNIT_CHARS.has(text[end - 1]!)) {
        BARE_NUMBER.lastIndex = end;
        const bare = BARE_NUMBER.exec(slice);
        if (bare) {
          end += bare[0].length;
          continue;
        }
      }
      // A name (estate, building) followed by a numbered part: 阳光花园3栋, 金鹰大厦12楼.
      let n = end;
      while (n < to && n - end < 10 && /[\u3400-\u9fffA-Za-z]/.test(text[n]!) && !STOP.has(text[n]!)) {
        n++;
        NUMBERED_AHEAD.lastIndex = n;
        if (NUMBERED_AHEAD.test(slice)) break;
      }
      NUMBERED_AHEAD.lastIndex = n;
      if (n > end && NUMBERED_AHEAD.test(slice)) {
        end = n;
        continue;
      }
      break;
    }
    out.push({ kind: 'address', start, end, masked: '****' });
    floor = end;
    ANCHOR.lastIndex = end;
  }
  return out;
}
