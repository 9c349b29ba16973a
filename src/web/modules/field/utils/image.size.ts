/** Photo checks and downscale sizing for the field view's uploads (pure; the canvas work is in image.downscale). */

/** Longest side of an uploaded photo after downscaling. */
export const MAX_PHOTO_SIDE = 1600;
/** Files above this are refused before reading them (a phone photo is 2–12 MB). */
export const MAX_PHOTO_INPUT_BYTES = 25 * 1024 * 1024;
/**
 * The encoded JPEG must stay below this: the server takes attachments of up to 3 MiB (ATTACHMENT_MAX_BYTES);
 * a 1600 px phone photo is usually 0.3–0.8 MB, and staying well below the limit spares mobile data.
 */
export const MAX_PHOTO_UPLOAD_BYTES = 2 * 1024 * 1024;
/** Longest sides tried in turn when a photo is still too large at lower JPEG qualities. */
export const PHOTO_SIDE_STEPS = [MAX_PHOTO_SIDE, 1280, 1024] as const;
/** JPEG qualities tried at each size. */
export const PHOTO_QUALITIES = [0.85, 0.7, 0.55] as const;

/** Size that fits `width × height` within `max` on the longest side, keeping the aspect ratio; never enlarges. */
export function fitWithin(
  width: number,
  height: number,
  max = MAX_PHOTO_SIDE,
): { width: number; height: number; scaled: boolean } {
  if (!(width > 0) || !(height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new RangeError(`not an image size: ${width}×${height}`);
  }
  const longest = Math.max(width, height);
  if (longest <= max) return { width: Math.round(width), height: Math.round(height), scaled: false };
  const k = max / longest;
  return {
    width: Math.max(1, Math.round(width * k)),
    height: Math.max(1, Math.round(height * k)),
    scaled: true,
  };
}

export type PhotoProblem = 'not_image' | 'empty' | 'too_large';

/** Why a chosen file cannot be uploaded as a photo, or null when it can be tried. */
export function checkPhotoFile(file: { type: string; size: number }): PhotoProblem | null {
  if (!file.type.startsWith('image/')) return 'not_image';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_PHOTO_INPUT_BYTES) return 'too_large';
  return null;
}

/** Bytes of the data a base64 string encodes (without decoding it). */
export function base64Bytes(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.floor((b64.length * 3) / 4) - padding;
}

/** A file name for the uploaded JPEG: the original name with .jpg, or a timestamped one. */
export function jpegFileName(original: string, now: Date): string {
  const base = original
    .replace(/\.[^./\\]*$/, '')
    .replace(/[^\p{L}\p{N}_-]+/gu, '_')
    .slice(0, 80);
  if (base && base !== '_') return `${base}.jpg`;
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `photo_${stamp}.jpg`;
}
