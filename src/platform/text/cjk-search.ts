/**
 * Chinese-aware name search without database extensions: the application computes the tokens —
 * every pair of adjacent CJK characters plus lowercased ASCII words — and stores them as a tsvector
 * with positions; a query joins the term's pairs with <-> (phrase), so 王芳 finds exactly the names
 * containing 王芳. Punctuation and spaces leave a position gap, so a phrase never spans them.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const ASCII_WORD = /[a-z0-9]/;

type Token = { text: string; pos: number };

function tokenise(text: string): Token[] {
  const chars = [...text.normalize('NFKC').toLowerCase()];
  const tokens: Token[] = [];
  let pos = 1;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (CJK.test(c)) {
      // A run of CJK characters: its bigrams, one position each (a lone character is its own token).
      let j = i;
      while (j < chars.length && CJK.test(chars[j]!)) j++;
      if (j - i === 1) tokens.push({ text: c, pos: pos++ });
      for (let k = i; k + 1 < j; k++) tokens.push({ text: chars[k]! + chars[k + 1]!, pos: pos++ });
      i = j;
    } else if (ASCII_WORD.test(c)) {
      let j = i;
      while (j < chars.length && ASCII_WORD.test(chars[j]!)) j++;
      tokens.push({ text: chars.slice(i, j).join(''), pos: pos++ });
      i = j;
    } else {
      pos++; // gap: a phrase may not cross punctuation or a space
      i++;
    }
  }
  return tokens;
}

// Tokens hold only CJK characters and [a-z0-9], so quoting needs no escaping.
const quote = (t: string) => `'${t}'`;

/** The tsvector literal stored for a text (positions capped at PostgreSQL's 16383). */
export function searchVector(...texts: Array<string | null | undefined>): string {
  const parts: string[] = [];
  let offset = 0;
  for (const text of texts) {
    if (!text) continue;
    const tokens = tokenise(text);
    for (const t of tokens) parts.push(`${quote(t.text)}:${Math.min(t.pos + offset, 16383)}`);
    offset += (tokens.at(-1)?.pos ?? 0) + 2;
  }
  return parts.join(' ');
}

/**
 * The tsquery literal for a search term, or undefined when the term has nothing searchable. A lone
 * CJK character cannot use the bigram index; callers look it up by name prefix instead.
 */
export function searchQuery(term: string): string | undefined {
  const tokens = tokenise(term);
  if (tokens.length === 0) return undefined;
  // Consecutive tokens become a phrase; a gap (space) starts a new phrase, and phrases are ANDed.
  const groups: Token[][] = [];
  let last = -10;
  for (const t of tokens) {
    if (t.pos !== last + 1) groups.push([]);
    groups.at(-1)!.push(t);
    last = t.pos;
  }
  return groups
    .map((g) => {
      const isPrefix = (t: Token) => !CJK.test(t.text[0]!) && t === g.at(-1);
      const items = g.map((t) => (isPrefix(t) ? `${quote(t.text)}:*` : quote(t.text)));
      return items.length === 1 ? items[0]! : `(${items.join(' <-> ')})`;
    })
    .join(' & ');
}

/**
 * The lexemes a term's query looks up, each with whether it is a prefix (the last ASCII word of a
 * phrase): what a plan reads the statistics for.
 */
export function searchLexemes(term: string): Array<{ text: string; prefix: boolean }> {
  const tsq = searchQuery(term);
  if (!tsq) return [];
  return [...tsq.matchAll(/'([^']+)'(:\*)?/gu)].map((m) => ({ text: m[1]!, prefix: !!m[2] }));
}

/**
 * True when a term holds a CJK character standing alone (宽, or 宽 带): the pair index cannot find
 * it inside longer text, so an exact search refuses it rather than answering wrongly.
 */
export function hasLoneCjk(term: string): boolean {
  return tokenise(term).some((t) => t.text.length === 1 && CJK.test(t.text));
}

/** True when a term is a single CJK character (too short for the bigram index). */
export function isSingleCjk(term: string): boolean {
  const chars = [...term.trim()];
  return chars.length === 1 && CJK.test(chars[0]!);
}

/** Name for exact and prefix lookups: NFKC, lowercase, no spaces. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** Account numbers and circuit ids are compared without case or spaces. */
export function normaliseCode(code: string): string {
  return code.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
