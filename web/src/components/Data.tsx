import type { ReactNode } from 'react';

/**
 * A value from the data (a code, a login, an account number) rather than the console's own words:
 * `translate="no"` keeps browser translation off it, and the browser tests' check for English in
 * the Chinese console skips it.
 */
export function Data({ children }: { children: ReactNode }) {
  return <span translate="no">{children}</span>;
}
