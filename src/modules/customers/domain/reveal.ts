/** Which personal fields can be revealed on which record (one field of one record at a time). */

export type RevealRecord = 'customer' | 'contact' | 'instance';

// Free text shown through maskFreeText (notes, TMF629's description, a contact's title, an
// instance's A/Z ends) is revealed whole, like a personal field.
export const REVEALABLE = {
  customer: ['phone', 'email', 'address', 'idNumber', 'notes', 'description'],
  contact: ['mobile', 'officePhone', 'email', 'title'],
  instance: ['serviceAddress', 'accountNo', 'aEnd', 'zEnd'],
} as const satisfies Record<RevealRecord, readonly string[]>;

export type RevealField = (typeof REVEALABLE)[RevealRecord][number];

const ARTICLE = { customer: 'a customer', contact: 'a contact', instance: 'an instance' } as const;

/** The record a request names: a contact, an instance, or else the customer itself. */
export const revealRecord = (req: { contactId?: string | undefined; instanceId?: string | undefined }) =>
  req.contactId ? 'contact' : req.instanceId ? 'instance' : 'customer';

/** Why `field` cannot be revealed on that kind of record, or undefined when it can. */
export function revealProblem(record: RevealRecord, field: string): string | undefined {
  const allowed: readonly string[] = REVEALABLE[record];
  return allowed.includes(field)
    ? undefined
    : `${ARTICLE[record]}'s revealable fields are ${allowed.join(', ')}`;
}

// ---- The reason (查看原因) -------------------------------------------------------------------

/** Fillers that say nothing about why (compared in lower case). */
const FILLER_WORDS = new Set([
  'test',
  'testing',
  'tests',
  'xxx',
  'na',
  'none',
  'null',
  'nil',
  'asdf',
  'qwer',
  'qwerty',
  'abc',
  'reason',
  'check',
  'ok',
  'yes',
  'no',
  'foo',
  'bar',
  'aa',
]);
const FILLER_CJK = ['测试', '随便', '不知道', '无原因', '没有原因'];
const HAN = /\p{Script=Han}/gu;
const WORD = /[a-z]+/g;

/**
 * How much a reason says, in "characters": each different Chinese character counts 3, each
 * different real word (two letters or more, a vowel, not one letter repeated, not a filler) counts
 * 4; 12 is enough — 4 different Chinese characters, 3 words, or a mix (2 characters and 2 words).
 * Digits, punctuation and repeats count nothing, so `xxxx`, `123`, `aaaa`, `好好好好` say nothing.
 */
export function reasonWeight(reason: string): number {
  let text = reason.normalize('NFKC').toLowerCase();
  for (const f of FILLER_CJK) text = text.split(f).join(' ');
  const han = new Set(text.match(HAN) ?? []);
  const words = new Set(
    (text.match(WORD) ?? []).filter(
      (w) => w.length >= 2 && /[aeiouy]/.test(w) && !/^(.)\1*$/.test(w) && !FILLER_WORDS.has(w),
    ),
  );
  return han.size * 3 + words.size * 4;
}

export const REASON_WEIGHT_NEEDED = 12;

/** Why a reveal reason is not enough, or undefined when it says something. */
export function revealReasonProblem(reason: string): string | undefined {
  return reasonWeight(reason) >= REASON_WEIGHT_NEEDED
    ? undefined
    : 'state why you need the unmasked value in a few real words (at least 4 different Chinese characters, or 3 words)';
}

// ---- The daily cap ----------------------------------------------------------------------------

/** China Standard Time has no daylight saving: a fixed +8 hours. */
const CST_OFFSET_MS = 8 * 3600_000;

/** The start of the calendar day in China (Asia/Shanghai) that `at` falls on. */
export function chinaDayStart(at: Date): Date {
  const local = at.getTime() + CST_OFFSET_MS;
  return new Date(local - (((local % 86_400_000) + 86_400_000) % 86_400_000) - CST_OFFSET_MS);
}
