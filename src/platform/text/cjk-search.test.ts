import { describe, expect, it } from 'vitest';
import { isSingleCjk, searchQuery, searchVector } from './cjk-search.ts';

describe('CJK bigram search tokens', () => {
  it('stores adjacent-character pairs with positions and ASCII words lowercased', () => {
    expect(searchVector('王芳')).toBe("'王芳':1");
    expect(searchVector('张建国')).toBe("'张建':1 '建国':2");
    expect(searchVector('ABC科技有限公司')).toBe("'abc':1 '科技':2 '技有':3 '有限':4 '限公':5 '公司':6");
  });

  it('leaves a gap at punctuation so a phrase cannot span it', () => {
    // 王·芳: the two characters are not adjacent, so no 王芳 pair exists.
    expect(searchVector('王·芳')).toBe("'王':1 '芳':3");
  });

  it('turns a term into a phrase of its pairs; ASCII words become prefixes', () => {
    expect(searchQuery('王芳')).toBe("'王芳'");
    expect(searchQuery('张建国')).toBe("('张建' <-> '建国')");
    expect(searchQuery('物流 南京')).toBe("'物流' & '南京'");
    expect(searchQuery('abc')).toBe("'abc':*");
    expect(searchQuery('  ')).toBeUndefined();
    expect(isSingleCjk('王')).toBe(true);
    expect(isSingleCjk('王芳')).toBe(false);
  });
});
