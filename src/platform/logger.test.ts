import { describe, expect, it } from 'vitest';
import { maskPiiInText } from './logger.ts';

describe('PII masking in free text', () => {
  it('masks mainland mobile numbers and resident ID numbers', () => {
    expect(maskPiiInText('/api/v1/customers?phone=13812345678')).toBe('/api/v1/customers?phone=138****5678');
    expect(maskPiiInText('id=11010519491231002X')).toBe('id=110***********002X');
  });
  it('masks a mobile behind the country code, also URL-encoded', () => {
    expect(maskPiiInText('q=+8613812345678')).toBe('q=+86138****5678');
    expect(maskPiiInText('q=%2B8613812345678&x=8613812345678')).toBe('q=%2B86138****5678&x=86138****5678');
  });
  it('leaves ids whole, also where their digits look like a phone number', () => {
    const id = '5f0c2b1e-1a2b-4c3d-8e9f-a13812345678';
    const fixed = '5f0c2b1e-1a2b-4c3d-8e9f-02512345678a';
    expect(maskPiiInText(`/api/v1/customers/${id}/360?q=13812345678`)).toBe(
      `/api/v1/customers/${id}/360?q=138****5678`,
    );
    expect(maskPiiInText(`/x/${fixed}`)).toBe(`/x/${fixed}`);
  });
  it('masks a mobile number inside a slightly longer run of digits (mistyped)', () => {
    expect(maskPiiInText('?phone=%2B8613812345678')).toBe('?phone=%2B86138****5678');
    expect(maskPiiInText('?phone=138123456780')).toBe('?phone=138****6780');
    expect(maskPiiInText('/customers/0193a000-0000-7000-8000-138123456780')).toBe(
      '/customers/0193a000-0000-7000-8000-138123456780',
    );
  });
  it('leaves other numbers alone', () => {
    expect(maskPiiInText('/api/v1/orders/12345?limit=50')).toBe('/api/v1/orders/12345?limit=50');
    expect(maskPiiInText('order 123456789012345')).toBe('order 123456789012345');
  });
});
