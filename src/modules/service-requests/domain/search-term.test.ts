import { describe, expect, it } from 'vitest';
import { readSearchTerm } from './search-term.ts';

describe('the request search box', () => {
  it('reads a request number in any case', () => {
    expect(readSearchTerm('js20261207000123')).toEqual({ kind: 'number', value: 'JS20261207000123' });
  });

  it('reads a whole phone number however written, and four digits as its last four', () => {
    const full = { kind: 'phone', phone: { kind: 'full', value: '13912345678' } };
    expect(readSearchTerm('139 1234 5678')).toEqual(full);
    expect(readSearchTerm('+86 139-1234-5678')).toEqual(full);
    expect(readSearchTerm('5678')).toEqual({ kind: 'phone', phone: { kind: 'tail', value: '5678' } });
  });

  it('never reads part of a phone number as a phone: middle digits are a code or words', () => {
    expect(readSearchTerm('1391234')).toEqual({ kind: 'code', value: '1391234' });
    expect(readSearchTerm('1234 5678')).toEqual({ kind: 'text', value: '1234 5678' });
    expect(readSearchTerm('139')).toEqual({ kind: 'text', value: '139' });
  });

  it('reads an account number or circuit id as a code, Chinese and mixed text as words', () => {
    expect(readSearchTerm('NJ/MSTP/00123')).toEqual({ kind: 'code', value: 'NJ/MSTP/00123' });
    expect(readSearchTerm('ZXHN')).toEqual({ kind: 'text', value: 'ZXHN' });
    expect(readSearchTerm(' 光猫 ZXHN ')).toEqual({ kind: 'text', value: '光猫 ZXHN' });
    expect(readSearchTerm('宽带')).toEqual({ kind: 'text', value: '宽带' });
  });
});
