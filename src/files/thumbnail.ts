import sharp from 'sharp';

/**
 * The app's thumbnail: 200×200 JPEG at quality 80 (ImageManipulator's `compress: 0.8`).
 * Aspect ratio: the image is scaled to cover 200×200 and the centre is cropped, so a thumbnail
 * is always exactly square and never distorted (the app's `resize {width, height}` would stretch).
 * EXIF orientation is applied first, as phones store portrait photos rotated.
 */
export const THUMBNAIL_SIZE = 200;
export const THUMBNAIL_QUALITY = 80;

export class UndecodableImageError extends Error {
  override name = 'MalformedDataError';
}

export async function makeThumbnail(file: string): Promise<Buffer> {
  try {
    return await sharp(file, { failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'cover', position: 'centre' })
      .jpeg({ quality: THUMBNAIL_QUALITY })
      .toBuffer();
  } catch (error) {
    const message = (error as Error).message;
    if (/ENOENT|no such file/i.test(message)) throw error;
    throw new UndecodableImageError(
      `the photo cannot be decoded as an image (${message.slice(0, 120)})`,
    );
  }
}
