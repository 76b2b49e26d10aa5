/**
 * A customer's contacts as events show them, kept in order in memory after a change (so that a
 * use case need not read them again): the primary contact first, then oldest first.
 */
export interface ContactRef {
  id: string;
  name: string;
  role: string;
  primary: boolean;
  /** created_at, ISO 8601 */
  at: string;
}

const byShownOrder = (a: ContactRef, b: ContactRef) =>
  Number(b.primary) - Number(a.primary) || Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1);

/** The list with `contact` added or replaced; a new primary contact demotes the previous one. */
export function withContact(list: readonly ContactRef[], contact: ContactRef): ContactRef[] {
  return [
    ...list.filter((k) => k.id !== contact.id).map((k) => (contact.primary ? { ...k, primary: false } : k)),
    contact,
  ].sort(byShownOrder);
}

export function withoutContact(list: readonly ContactRef[], id: string): ContactRef[] {
  return list.filter((k) => k.id !== id);
}
