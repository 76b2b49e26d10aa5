// Finds English words on a page of the Chinese console, outside data. Data (codes, logins, account
// numbers, names as typed) is marked translate="no" by the console (web/src/components/Data.tsx).
import type { Locator, Page } from 'playwright-core';

/**
 * Words that are not "English text" in a Chinese telecom console: the product's name, each
 * language's own name in the language picker, file formats and industry abbreviations that
 * Chinese users write in Latin letters too.
 */
const ALLOWED = [
  'onepoint',
  'English',
  'CSV',
  'Excel',
  'XLSX',
  'Mbps',
  'ADSL',
  'VDSL',
  'LAN',
  'FTTH',
  'FTTB',
  'OLT',
  'DSLAM',
  'MSAN',
  'IPTV',
  'SDH',
  'MSTP',
  'VPN',
  'ID',
  // Mail and web protocols, written so in Chinese too.
  'SMTP',
  'IMAP',
  'SSL',
  'TLS',
  'STARTTLS',
  'HTTP',
  // TM Forum's Open APIs (TMF621, TMF681) are named so in Chinese too.
  'TMF',
];

// Runs in the browser (the tests' tsconfig has no DOM types, so it is given as source text).
const FIND = `(root, allowed) => {
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('[translate="no"], script, style, noscript, kbd, svg')) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    // Zero-sized helpers (antd's list for screen readers repeats option values; they read its
    // aria-labels, checked below) are not seen.
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = node.textContent ?? '';
    for (const word of text.match(/[A-Za-z]{2,}/g) ?? [])
      if (!allowed.includes(word)) found.push(word + ' in "' + text.trim().slice(0, 80) + '"');
  }
  // Attributes people read or hear: placeholders, titles, labels for screen readers.
  for (const el of root.querySelectorAll('[placeholder], [title], [aria-label]')) {
    // antd's icons carry their English icon name as aria-label ("down", "search"): the library's.
    if (el.closest('[translate="no"], .anticon') || !el.checkVisibility()) continue;
    for (const attr of ['placeholder', 'title', 'aria-label']) {
      const text = el.getAttribute(attr) ?? '';
      for (const word of text.match(/[A-Za-z]{2,}/g) ?? [])
        if (!allowed.includes(word)) found.push(word + ' in ' + attr + '="' + text.slice(0, 80) + '"');
    }
  }
  return found;
}`;

/** English words visible in `where` (e.g. `page.locator('body')`) that are not data. */
export async function englishOutsideData(where: Locator): Promise<string[]> {
  const find = new Function('root', 'allowed', `return (${FIND})(root, allowed);`) as (
    root: unknown,
    allowed: string[],
  ) => string[];
  return where.evaluate(find, ALLOWED);
}

/** The page's English words outside data. */
export const englishOnPage = (page: Page) => englishOutsideData(page.locator('body'));
