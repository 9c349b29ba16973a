import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, parsePreferences } from './preferences.parse.ts';

describe('stored display preferences', () => {
  it('defaults to light, normal text and Chinese', () => {
    expect(parsePreferences(null)).toEqual({ theme: 'light', largeText: false, language: 'zh-CN' });
    expect(DEFAULT_PREFERENCES.language).toBe('zh-CN');
  });

  it('reads valid values', () => {
    expect(parsePreferences('{"theme":"dark","largeText":true,"language":"en"}')).toEqual({
      theme: 'dark',
      largeText: true,
      language: 'en',
    });
  });

  it('ignores malformed JSON and bad values field by field', () => {
    expect(parsePreferences('{not json')).toEqual(DEFAULT_PREFERENCES);
    expect(parsePreferences('[1,2]')).toEqual(DEFAULT_PREFERENCES);
    expect(parsePreferences('{"theme":"purple","largeText":"yes","language":"fr"}')).toEqual(DEFAULT_PREFERENCES);
    expect(parsePreferences('{"theme":"dark","language":"<script>"}')).toEqual({
      ...DEFAULT_PREFERENCES,
      theme: 'dark',
    });
  });
});
