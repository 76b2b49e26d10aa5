/**
 * The password policy (等保2.0 level 3: 口令复杂度): at least 10 characters, three of the four
 * character classes, not containing the login, and not a common password or a small change of one.
 * "Common" is zxcvbn-ts's judgement with its list of common passwords and keyboard patterns: a
 * password it guesses in fewer than 10^8 tries (score below 3) — `Password123!`, `P@ssw0rd2026`,
 * `Welcome2026!`, `1qaz2WSX3edc` — is refused, whatever its length and classes.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
/** scrypt's cost grows with the input; nobody types more. */
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn score a password must reach (3: at least 10^8 guesses). */
const MIN_SCORE = 3;
/** A login shorter than this is not looked for inside the password (it would refuse too much). */
const MIN_LOGIN_TO_MATCH = 3;

export type PasswordRule = 'length' | 'classes' | 'login' | 'common';

export interface PasswordProblem {
  /** Stable name of the rule broken, for clients to show their own text. */
  rule: PasswordRule;
  /** What is wrong, in English, completing "the password …". */
  message: string;
}

/** Lower case, upper case, digits, anything else (symbols, spaces, Chinese characters). */
export function characterClasses(password: string): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let other = false;
  for (const ch of password) {
    if (/\p{Ll}/u.test(ch)) lower = true;
    else if (/\p{Lu}/u.test(ch)) upper = true;
    else if (/\p{Nd}/u.test(ch)) digit = true;
    else other = true;
  }
  return [lower, upper, digit, other].filter(Boolean).length;
}

let estimator: ZxcvbnFactory | undefined;
// Built on first use: ranking the 50 000-word list takes a moment, and most processes never need it.
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { 'passwords-common': dictionary['passwords-common'] },
    graphs: adjacencyGraphs,
  });
  return estimator;
}

/** Whether zxcvbn-ts finds the password easy to guess (a common one, changed a little or not). */
export function isCommonPassword(password: string, userInputs: string[] = []): boolean {
  return zxcvbn().check(password, userInputs).score < MIN_SCORE;
}

/**
 * The first rule a new password breaks, or undefined when it may be used. Cheap rules first:
 * the common-password estimate costs tens of milliseconds.
 */
export function passwordPolicyProblem(
  password: string,
  context: { login?: string | undefined } = {},
): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return { rule: 'length', message: `must be at least ${PASSWORD_MIN_LENGTH} characters` };
  if (password.length > PASSWORD_MAX_LENGTH)
    return { rule: 'length', message: `must be at most ${PASSWORD_MAX_LENGTH} characters` };
  if (characterClasses(password) < 3)
    return {
      rule: 'classes',
      message: 'must mix at least three of: lower-case letters, upper-case letters, digits, other characters',
    };
  const login = context.login?.trim().toLowerCase();
  if (login && login.length >= MIN_LOGIN_TO_MATCH && password.toLowerCase().includes(login))
    return { rule: 'login', message: 'must not contain the login' };
  if (isCommonPassword(password, login ? [login] : []))
    return { rule: 'common', message: 'is too easy to guess: a common password or a small change of one' };
  return undefined;
}
