/** Email addresses: a plausible address, compared without case. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
export function emailProblem(raw: string): string | undefined {
  return EMAIL.test(raw.trim()) && raw.length <= 254 ? undefined : 'is not a valid email address';
}

export const normaliseEmail = (raw: string) => raw.trim().toLowerCase();
