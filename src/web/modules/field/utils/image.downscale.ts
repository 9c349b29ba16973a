/**
 * Browser side of photo uploads: decode the chosen file (respecting its EXIF orientation), draw it at most
 * 1600 px on the longest side on a canvas, and encode it as JPEG in base64 — lowering the quality, then the
 * size, while the result is above the upload limit.
 */
import {
  MAX_PHOTO_UPLOAD_BYTES,
  PHOTO_QUALITIES,
  PHOTO_SIDE_STEPS,
  base64Bytes,
  fitWithin,
  jpegFileName,
} from './image.size.ts';

export interface PreparedPhoto {
  fileName: string;
  contentType: 'image/jpeg';
  dataBase64: string;
  width: number;
  height: number;
  bytes: number;
}

export class PhotoError extends Error {
  constructor(readonly reason: 'unreadable' | 'stillTooLarge') {
    super(reason);
    this.name = 'PhotoError';
  }
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new PhotoError('unreadable'))), 'image/jpeg', quality),
  );
}

function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new PhotoError('unreadable'));
    reader.readAsDataURL(blob);
  });
}

/** Downscales and encodes `file`; throws PhotoError when it cannot be decoded or stays too large. */
export async function preparePhoto(file: File, now = new Date()): Promise<PreparedPhoto> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError('unreadable');
  }
  try {
    const canvas = document.createElement('canvas');
    const g = canvas.getContext('2d');
    if (!g) throw new PhotoError('unreadable');
    for (const side of PHOTO_SIDE_STEPS) {
      const size = fitWithin(bitmap.width, bitmap.height, side);
      canvas.width = size.width;
      canvas.height = size.height;
      g.drawImage(bitmap, 0, 0, size.width, size.height);
      for (const quality of PHOTO_QUALITIES) {
        const dataBase64 = await blobToBase64(await toBlob(canvas, quality));
        const bytes = base64Bytes(dataBase64);
        if (bytes <= MAX_PHOTO_UPLOAD_BYTES) {
          return {
            fileName: jpegFileName(file.name, now),
            contentType: 'image/jpeg',
            dataBase64,
            width: size.width,
            height: size.height,
            bytes,
          };
        }
      }
    }
    throw new PhotoError('stillTooLarge');
  } finally {
    bitmap.close();
  }
}
