import { Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * What a screen does not do yet, said in one plain line: never a zero, a dash, an empty panel or a
 * disabled button that reads as a fact or a promise.
 */
export function NotBuilt({ children }: { children: ReactNode }) {
  return (
    <Typography.Paragraph type="secondary" data-testid="not-built">
      {children}
    </Typography.Paragraph>
  );
}
