import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_INPUT_BYTES, base64Bytes, checkPhotoFile, fitWithin, jpegFileName } from './image.size.ts';

describe('photo downscale size', () => {
  it('fits the longest side to 1600 px keeping the aspect ratio', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200, scaled: true });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600, scaled: true });
    expect(fitWithin(8000, 10)).toEqual({ width: 1600, height: 2, scaled: true });
  });

  it('never enlarges a small photo, and keeps a very thin one at least 1 px', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600, scaled: false });
    expect(fitWithin(1600, 1600)).toEqual({ width: 1600, height: 1600, scaled: false });
    expect(fitWithin(100000, 1).height).toBe(1);
  });

  it('rejects sizes that are not an image', () => {
    expect(() => fitWithin(0, 100)).toThrow(RangeError);
    expect(() => fitWithin(Number.NaN, 100)).toThrow(RangeError);
    expect(() => fitWithin(100, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('photo file checks', () => {
  it('accepts an image and refuses other files, empty files and huge files', () => {
    expect(checkPhotoFile({ type: 'image/jpeg', size: 3_000_000 })).toBeNull();
    expect(checkPhotoFile({ type: 'image/heic', size: 3_000_000 })).toBeNull();
    expect(checkPhotoFile({ type: 'application/pdf', size: 3_000 })).toBe('not_image');
    expect(checkPhotoFile({ type: '', size: 3_000 })).toBe('not_image');
    expect(checkPhotoFile({ type: 'image/png', size: 0 })).toBe('empty');
    expect(checkPhotoFile({ type: 'image/png', size: MAX_PHOTO_INPUT_BYTES + 1 })).toBe('too_large');
  });

  it('counts the bytes a base64 string carries', () => {
    expect(base64Bytes(Buffer.from('hello').toString('base64'))).toBe(5);
    expect(base64Bytes(Buffer.from('hell').toString('base64'))).toBe(4);
    expect(base64Bytes(Buffer.from('hel').toString('base64'))).toBe(3);
    expect(base64Bytes('')).toBe(0);
  });

  it('names the upload after the original file, or by time when the name is unusable', () => {
    const now = new Date('2026-11-23T08:05:09.123Z');
    expect(jpegFileName('IMG_2041.HEIC', now)).toBe('IMG_2041.jpg');
    expect(jpegFileName('现场 照片.png', now)).toBe('现场_照片.jpg');
    expect(jpegFileName('', now)).toBe('photo_20261123T080509.jpg');
    expect(jpegFileName('../..', now)).toBe('photo_20261123T080509.jpg');
  });
});
