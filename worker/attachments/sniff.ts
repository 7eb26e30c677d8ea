/**
 * The type of a file, read from its first bytes (magic numbers). The name and the declared
 * Content-Type are never trusted: they only tell a fake image ("photo.jpg" that is not one)
 * apart from a file of a kind kefu does not take.
 */
import type { AttachmentType } from '../../protocol/index.ts';

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

export function sniffType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  return null;
}

const IMAGE_NAME = /\.(jpe?g|jfif|png|gif|webp|heic|heif|bmp|tiff?|avif|svg)$/i;

/** The sender presented the file as an image (its name or declared type), whatever its bytes are. */
export function claimsToBeImage(name: string, declaredType: string | null | undefined): boolean {
  return IMAGE_NAME.test(name) || (declaredType ?? '').toLowerCase().startsWith('image/');
}
