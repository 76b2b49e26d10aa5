/**
 * Absolute `href`s. TMF resources and events carry the URL a client can fetch them at; behind a
 * proxy only the operator knows it (`ONEPOINT_PUBLIC_URL`, e.g. https://crm.example.cn/onepoint).
 * Unset, it is the request's own scheme and host.
 */
export interface RequestOrigin {
  protocol: string;
  host: string;
}

// A Host header is the client's word: anything but host[:port] is not echoed into hrefs.
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)(:\d{1,5})?$/i;

/** `https://crm.example.cn/onepoint` — no trailing slash. */
export function publicBaseUrl(configured: string | undefined, request?: RequestOrigin): string {
  if (configured) return configured.replace(/\/+$/, '');
  const protocol = request?.protocol === 'https' ? 'https' : 'http';
  const host = request && HOST.test(request.host) ? request.host : 'localhost';
  return `${protocol}://${host}`;
}

/** Builds `base + apiPath + '/' + encoded id segments`. */
export function resourceHref(base: string, apiPath: string, ...segments: string[]): string {
  return `${base}${apiPath}${segments.map((s) => `/${encodeURIComponent(s)}`).join('')}`;
}

/** Normalises and checks a configured public URL; the reason it is not one otherwise. */
export function checkPublicUrl(raw: string): { url: string } | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { problem: 'must be an absolute URL such as https://crm.example.cn' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { problem: 'must be an http:// or https:// URL' };
  if (u.search || u.hash || u.username || u.password)
    return { problem: 'must have no query, fragment or credentials' };
  return { url: `${u.origin}${u.pathname}`.replace(/\/+$/, '') };
}
