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
