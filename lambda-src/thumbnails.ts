/**
 * The `thumbnails` service's worker: plans a thumbnail for an uploaded image. An example of a
 * service's own worker file, with its own settings (`THUMBNAIL_WIDTH` from the construct's
 * `lambda.environment`).
 */
import { makeHandler } from "./worker";

/** The job a producer sends to `thumbnails-queue` after an upload. */
export interface ThumbnailRequested {
  readonly bucket: string;
  readonly key: string;
  /** Size of the original, in pixels. */
  readonly width: number;
  readonly height: number;
}

const IMAGE_KEY = /\.(jpe?g|png|webp)$/i;

/** The thumbnail's size: `targetWidth` wide (never wider than the original), aspect ratio kept. */
export function thumbnailSize(request: ThumbnailRequested, targetWidth: number): { width: number; height: number } {
  if (typeof request?.bucket !== "string" || typeof request.key !== "string")
    throw new Error("request without bucket and key");
  if (!IMAGE_KEY.test(request.key)) throw new Error(`${request.key}: not a JPEG, PNG or WebP image`);
  if (!(request.width > 0 && request.height > 0)) throw new Error(`${request.key}: unknown image size`);
  const width = Math.min(targetWidth, request.width);
  return { width, height: Math.max(1, Math.round((request.height * width) / request.width)) };
}

/** Where the thumbnail goes: next to the original, under `thumbnails/<width>/`. */
export function thumbnailKey(key: string, width: number): string {
  return `thumbnails/${width}/${key}`;
}

/**
 * Plans the thumbnail. A real service reads the original from S3, resizes it and writes it to
 * {@link thumbnailKey} (an overwrite, so a redelivered message is harmless); the example
 * logs the plan.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the business logic returns a Promise (MessageProcessor): a real worker awaits its I/O here
export const handler = makeHandler<ThumbnailRequested>(async (request, record) => {
  const targetWidth = Number(process.env.THUMBNAIL_WIDTH ?? "320");
  const size = thumbnailSize(request, targetWidth);
  console.log(
    JSON.stringify({
      event: "thumbnail-planned",
      source: `s3://${request.bucket}/${request.key}`,
      target: thumbnailKey(request.key, size.width),
      ...size,
      messageId: record.messageId,
    }),
  );
});
