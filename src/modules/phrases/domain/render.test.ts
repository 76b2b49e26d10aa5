import { describe, expect, it } from 'vitest';
import { chinaDate, renderPhrase, variablesOf } from './render.ts';

describe('rendering a canned phrase', () => {
  it('fills the variables from nested or dotted context values', () => {
    const r = renderPhrase(
      '您好，{{customer.name}}！您的单号是{{ request.number }}，{{agent.name}}为您服务。',
      {
        customer: { name: '张*' },
        'request.number': 'JS20261207000123',
        agent: { name: '李娜' },
      },
    );
    expect(r).toEqual({
      text: '您好，张*！您的单号是JS20261207000123，李娜为您服务。',
      unknown: [],
      missing: [],
    });
  });

  it('leaves unknown and missing variables visible and reports them', () => {
    const r = renderPhrase('{{customer.nmae}}您好，今天是{{today}}，{{customer.name}}', {
      customer: { name: '王*' },
    });
    expect(r.text).toBe('{{customer.nmae}}您好，今天是{{today}}，王*');
    expect(r.unknown).toEqual(['customer.nmae']);
    expect(r.missing).toEqual(['today']);
  });

  it('never expands a placeholder that a value contains, and escapes values', () => {
    const ctx = { customer: { name: '{{agent.name}}<b>' }, agent: { name: '李娜' } };
    expect(renderPhrase('{{customer.name}}', ctx).text).toBe('{{agent.name}}<b>');
    expect(renderPhrase('<p>{{customer.name}}</p>', ctx, 'html').text).toBe('<p>{{agent.name}}&lt;b&gt;</p>');
    expect(renderPhrase('{{customer.name}}', { customer: { name: 'a\u0007\u001bb\nc' } }).text).toBe('ab\nc');
  });

  it('does not read through prototypes or objects as values', () => {
    const r = renderPhrase('{{customer.name}}|{{request.number}}', {
      customer: { name: { first: '张' } },
      request: Object.create({ number: 'inherited' }) as Record<string, string>,
    });
    expect(r.text).toBe('{{customer.name}}|{{request.number}}');
    expect(r.missing).toEqual(['customer.name', 'request.number']);
  });

  it('lists the variables a text uses and gives China’s date', () => {
    expect(variablesOf('{{a.b}} {{today}} {{a.b}} {{ bad name }}')).toEqual(['a.b', 'today']);
    // 2026-12-06 17:00 UTC is already 7 December in Beijing.
    expect(chinaDate(new Date('2026-12-06T17:00:00Z'))).toBe('2026-12-07');
  });
});
