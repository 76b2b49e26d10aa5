import { describe, expect, it } from 'vitest';
import { pickLanguage } from './language.ts';

const pick = (lang?: string, accept?: string) =>
  pickLanguage(['zh-CN', 'en'] as const, 'zh-CN', lang, accept);

describe('the language of a download', () => {
  it('takes lang when given', () => {
    expect(pick('en', 'zh-CN')).toBe('en');
    expect(pick('zh-CN', 'en')).toBe('zh-CN');
  });
  it('else the language Accept-Language prefers, by q then order', () => {
    expect(pick(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(pick(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pick(undefined, 'zh-Hans')).toBe('zh-CN');
    expect(pick(undefined, 'fr;q=1, en;q=0.5, zh;q=0.4')).toBe('en');
    expect(pick(undefined, 'zh;q=0.4, en;q=0.5')).toBe('en');
    expect(pick(undefined, 'en;q=0, zh-TW')).toBe('zh-CN');
  });
  it('else zh-CN', () => {
    expect(pick()).toBe('zh-CN');
    expect(pick(undefined, '')).toBe('zh-CN');
    expect(pick(undefined, 'fr, de;q=0.5, *')).toBe('zh-CN');
  });
});
