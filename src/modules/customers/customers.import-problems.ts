/**
 * The import report's problems as machine codes with parameters, so that the console can say them in
 * the user's language (zh-CN first); `message` stays English for the command line and API clients.
 * Neither params nor message ever carry the offending value (it may be personal information).
 * Pure: no I/O.
 */
import type { z } from 'zod';

export const IMPORT_PROBLEM_CODES = [
  // The file and its columns
  'UNKNOWN_COLUMN',
  'NOT_A_HEADER',
  'MISSING_COLUMN',
  'NO_DATA_ROWS',
  // A value
  'REQUIRED',
  'INVALID_OPTION',
  'TOO_LONG',
  'TOO_SHORT',
  'TOO_MANY',
  'TOO_SMALL',
  'MUST_EXCEED',
  'TOO_BIG',
  'NOT_A_NUMBER',
  'NOT_AN_INTEGER',
  'TOO_MANY_DECIMALS',
  'INVALID_FORMAT',
  'CONTROL_CHARACTERS',
  'MASKED_VALUE',
  'PHONE_MOBILE_INVALID',
  'PHONE_FIXED_INVALID',
  'PHONE_INVALID',
  'ID_NUMBER_FORMAT',
  'ID_NUMBER_REGION',
  'ID_NUMBER_BIRTH_DATE',
  'ID_NUMBER_BIRTH_RANGE',
  'ID_NUMBER_CHECK_DIGIT',
  'ID_NUMBER_OTHER_FORMAT',
  'CREDIT_CODE_FORMAT',
  'CREDIT_CODE_CHECK',
  'EMAIL_INVALID',
  'CUSTOMER_NO_FORMAT',
  'TIER_REQUIRED',
  'TIER_ENTERPRISE_ONLY',
  'DEVICE_PORT_NEEDS_DEVICE',
  // References to what the system knows
  'ORG_UNIT_UNKNOWN',
  'ORG_UNIT_OUT_OF_SCOPE',
  'ACCOUNT_MANAGER_UNKNOWN',
  'PRODUCT_UNKNOWN',
  // Repeats in the file and in the database
  'DUPLICATE_IN_FILE',
  'DUPLICATE_ACCOUNT',
  'INCONSISTENT_REPEAT',
  'CUSTOMER_NO_EXISTS',
  'ID_NUMBER_EXISTS',
  'CREDIT_CODE_EXISTS',
  'ACCOUNT_NO_EXISTS',
  // Anything else the schema says (its English message is the text)
  'INVALID',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEM_CODES)[number];

/** Numbers, or the allowed values of a list: never a value from the file. */
export type ImportProblemParams = Record<string, number | string[]>;

export interface ImportProblem {
  row: number;
  column: string | null;
  code: ImportProblemCode;
  params?: ImportProblemParams;
  message: string;
}

const CODES = new Set<string>(IMPORT_PROBLEM_CODES);
export const isImportProblemCode = (c: unknown): c is ImportProblemCode =>
  typeof c === 'string' && CODES.has(c);

/**
 * The code and parameters of a schema issue. Issues the schemas raise themselves carry their code in
 * `params.code`; zod's own issues are mapped by kind. Parse with `reportInput: true` so that a missing
 * value (REQUIRED) is told apart from a wrong one; the input itself is never copied.
 */
export function issueCode(issue: z.core.$ZodIssue): {
  code: ImportProblemCode;
  params?: ImportProblemParams;
} {
  const field = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'custom': {
      const { code, ...rest } = (issue.params ?? {}) as Record<string, unknown>;
      if (!isImportProblemCode(code)) return { code: 'INVALID' };
      // Only numbers (limits) pass on as parameters.
      const params = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'number'));
      return Object.keys(params).length ? { code, params: params as ImportProblemParams } : { code };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'REQUIRED' };
      if (issue.expected === 'int') return { code: 'NOT_AN_INTEGER' };
      if (issue.expected === 'number') return { code: 'NOT_A_NUMBER' };
      return { code: 'INVALID' };
    case 'invalid_value':
      return {
        code: 'INVALID_OPTION',
        params: { allowed: issue.values.filter((v) => typeof v === 'string') },
      };
    case 'invalid_format':
      return { code: field === 'customerNo' ? 'CUSTOMER_NO_FORMAT' : 'INVALID_FORMAT' };
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'TOO_LONG', params: { max } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'TOO_MANY', params: { max } };
      return { code: 'TOO_BIG', params: { max } };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? { code: 'REQUIRED' } : { code: 'TOO_SHORT', params: { min } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'REQUIRED' };
      return issue.inclusive === false
        ? { code: 'MUST_EXCEED', params: { min } }
        : { code: 'TOO_SMALL', params: { min } };
    }
    default:
      return { code: 'INVALID' };
  }
}

/** What a custom schema issue adds to say its code: `ctx.addIssue({ ..., params: issueParams('X') })`. */
export const issueParams = (code: ImportProblemCode) => ({ code });
