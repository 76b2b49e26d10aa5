import { describe, expect, it } from 'vitest';
import { chinaDayStart, reasonWeight, revealProblem, revealReasonProblem, revealRecord } from './reveal.ts';

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

describe('reveal reasons must say why', () => {
  it.each([
    '客户来电核实身份',
    '核实身份',
    '核对号码',
    '客户申请注销',
    'customer called to confirm the installation address',
    'verify caller identity',
    '核实 ID card',
    'Kunde ruft an wegen Rechnung',
  ])('accepts %j', (reason) => {
    expect(revealReasonProblem(reason)).toBeUndefined();
  });

  it.each([
    'xxxx',
    '123',
    '12345678901',
    'aaaaaaaa',
    '好好好好好好',
    '看看',
    '测试测试测试',
    '核实',
    'test test test',
    'asdf asdf asdf',
    'verify identity',
    '....!!!!',
    'xxxx xxxx xxxx',
    '核实 1234',
  ])('refuses %j', (reason) => {
    expect(revealReasonProblem(reason)).toMatch(/a few real words/);
  });

  it('weighs different Chinese characters and real words, not length', () => {
    expect(reasonWeight('核实身份')).toBe(12);
    expect(reasonWeight('核实核实核实核实')).toBe(6);
    expect(reasonWeight('verify caller identity')).toBe(12);
    expect(reasonWeight('核实 address')).toBe(10);
    // Full-width letters count like ASCII ones.
    expect(reasonWeight('ｖｅｒｉｆｙ ｃａｌｌｅｒ ｉｄｅｎｔｉｔｙ')).toBe(12);
  });
});

describe('the reveal day is the calendar day in China', () => {
  it('starts at 00:00 Asia/Shanghai (16:00 UTC the day before)', () => {
    expect(chinaDayStart(new Date('2026-12-07T15:59:59.999Z')).toISOString()).toBe(
      '2026-12-06T16:00:00.000Z',
    );
    expect(chinaDayStart(new Date('2026-12-07T16:00:00.000Z')).toISOString()).toBe(
      '2026-12-07T16:00:00.000Z',
    );
    expect(chinaDayStart(new Date('2026-12-07T03:00:00.000Z')).toISOString()).toBe(
      '2026-12-06T16:00:00.000Z',
    );
  });
});
