import { describe, expect, it } from 'vitest';
import { maskPiiInText } from './logger.ts';

describe('PII masking in free text', () => {
  it('masks mainland mobile numbers and resident ID numbers', () => {
    expect(maskPiiInText('/api/v1/customers?phone=13812345678')).toBe('/api/v1/customers?phone=138****5678');
    expect(maskPiiInText('id=11010519491231002X')).toBe('id=110***********002X');
  });
  it('leaves other numbers alone', () => {
    expect(maskPiiInText('/api/v1/orders/12345?limit=50')).toBe('/api/v1/orders/12345?limit=50');
    expect(maskPiiInText('order 123456789012345')).toBe('order 123456789012345');
  });
});
