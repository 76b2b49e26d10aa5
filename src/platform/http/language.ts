/**
 * The language a download speaks: the `lang` asked for, else the first of the supported languages
 * the Accept-Language header prefers (by q, then order; `en-US` is `en`, `zh-Hans` is `zh-CN`),
 * else the fallback (zh-CN: the platform's first language).
 */
export function pickLanguage<L extends string>(
  supported: readonly L[],
  fallback: L,
  lang: string | undefined,
  acceptLanguage: string | undefined,
): L {
  const match = (tag: string): L | undefined => {
    const t = tag.toLowerCase();
    return (
      supported.find((s) => s.toLowerCase() === t) ??
      supported.find((s) => s.toLowerCase().split('-')[0] === t.split('-')[0])
    );
  };
  if (lang) return match(lang) ?? fallback;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.tag && x.tag !== '*' && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const found = match(tag);
    if (found) return found;
  }
  return fallback;
}
