// C0 controls other than tab, LF and CR, DEL, and unpaired UTF-16 surrogates. PostgreSQL cannot
// store NUL at all, a lone surrogate would be stored as U+FFFD (silently changed), and the other
// controls are never meant in names, addresses or notes.
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a text has a character that must not be stored (see above). */
export const hasUnstorableCharacters = (text: string): boolean => UNSTORABLE.test(text);

export const UNSTORABLE_MESSAGE = 'contains a control character (such as NUL) or broken Unicode';
