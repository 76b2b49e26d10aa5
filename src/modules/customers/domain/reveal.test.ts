import { describe, expect, it } from 'vitest';
import { revealProblem, revealRecord } from './reveal.ts';

describe('revealable fields', () => {
  it('names the record from the ids sent', () => {
    expect(revealRecord({})).toBe('customer');
    expect(revealRecord({ contactId: 'c' })).toBe('contact');
    expect(revealRecord({ instanceId: 'i' })).toBe('instance');
  });

  it('allows each record its own personal fields only', () => {
    expect(revealProblem('customer', 'idNumber')).toBeUndefined();
    expect(revealProblem('contact', 'mobile')).toBeUndefined();
    expect(revealProblem('instance', 'accountNo')).toBeUndefined();
    expect(revealProblem('customer', 'mobile')).toBe(
      "a customer's revealable fields are phone, email, address, idNumber, notes, description",
    );
    expect(revealProblem('contact', 'idNumber')).toMatch(/^a contact's revealable fields are/);
    expect(revealProblem('instance', 'phone')).toMatch(/^an instance's revealable fields are/);
  });
});
