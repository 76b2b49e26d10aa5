import { describe, expect, it } from 'vitest';
import { classifyTerm } from './search.ts';

describe('the customer search box', () => {
  it('classifies what an agent types', () => {
    expect(classifyTerm('11010519491231002X')).toEqual(['idNumber', 'code']);
    expect(classifyTerm('138 1234 5678')).toEqual(['phone', 'code']);
    expect(classifyTerm('NJ-SDH-0001')).toEqual(['code', 'name']);
    expect(classifyTerm('王芳')).toEqual(['name']);
  });
});
