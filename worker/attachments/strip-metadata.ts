/**
 * Removes metadata from images before they are stored: EXIF (camera, time, GPS position), XMP,
 * IPTC and comments. Each format is walked by its own structure, segment by segment, and only
 * the segments that draw the picture are kept. A file whose structure does not hold up is not
 * an image at all, and is refused (null), so this is also the deep check behind the magic number.
 *
 * - JPEG: APP1 (EXIF, XMP), APP13 (IPTC), COM and the other application segments go; APP0
 *   (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) stay. The EXIF
 *   orientation, when not upright, is written back alone so phone photos are not shown sideways.
 * - PNG: eXIf, tEXt, iTXt, zTXt and tIME chunks go.
 * - WebP: EXIF and "XMP " chunks go, and the VP8X header's EXIF and XMP flags are cleared.
 * - GIF: comment extensions and application extensions other than the animation loop go.
 */
import type { AttachmentType } from '../../protocol/index.ts';

export function stripMetadata(type: AttachmentType, bytes: Uint8Array): Uint8Array | null {
  try {
    switch (type) {
      case 'image/jpeg':
        return stripJpeg(bytes);
      case 'image/png':
        return stripPng(bytes);
      case 'image/webp':
        return stripWebp(bytes);
      case 'image/gif':
        return stripGif(bytes);
      case 'application/pdf':
        return bytes;
    }
  } catch (error) {
    if (error instanceof MalformedImage) return null;
    throw error;
  }
}

class MalformedImage extends Error {}

function need(condition: boolean): asserts condition {
  if (!condition) throw new MalformedImage();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const be16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const be32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const le32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const text = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));

// ---- JPEG ---------------------------------------------------------------------------------

const SOS = 0xda;
const EOI = 0xd9;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

function stripJpeg(bytes: Uint8Array): Uint8Array {
  need(bytes[0] === 0xff && bytes[1] === 0xd8);
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let orientation = 1;
  let at = 2;
  for (;;) {
    need(at + 1 < bytes.length && bytes[at] === 0xff);
    while (bytes[at + 1] === 0xff) at += 1; // fill bytes
    const marker = bytes[at + 1]!;
    need(at + 1 < bytes.length);
    if (marker === EOI) throw new MalformedImage(); // a picture needs a scan
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      kept.push(bytes.subarray(at, at + 2));
      at += 2;
      continue;
    }
    need(at + 3 < bytes.length);
    const length = be16(bytes, at + 2);
    need(length >= 2 && at + 2 + length <= bytes.length);
    const segment = bytes.subarray(at, at + 2 + length);
    if (marker === SOS) {
      // The scan and everything after it (more scans, EOI) is picture data.
      kept.push(bytes.subarray(at));
      break;
    }
    const isApp = marker >= APP0 && marker <= 0xef;
    if (marker === APP1 && text(segment, 4, 6) === 'Exif\0\0') orientation = exifOrientation(segment.subarray(10)) ?? orientation;
    const keep = !(isApp || marker === COM) || marker === APP0 || marker === APP14 || (marker === APP2 && text(segment, 4, 12) === 'ICC_PROFILE\0');
    if (keep) kept.push(segment);
    at += 2 + length;
  }
  if (orientation !== 1) kept.splice(1, 0, orientationSegment(orientation));
  return concat(kept);
}

/** The Orientation tag (0x0112) of IFD0 in a TIFF block, if present and valid (2-8). */
function exifOrientation(tiff: Uint8Array): number | null {
  if (tiff.length < 8) return null;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return null;
  const u16 = (at: number) => (little ? tiff[at]! | (tiff[at + 1]! << 8) : be16(tiff, at));
  const u32 = (at: number) => (little ? le32(tiff, at) : be32(tiff, at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const value = u16(entry + 8);
      return value >= 2 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** An APP1 EXIF segment holding only the orientation: no camera, no time, no place. */
function orientationSegment(orientation: number): Uint8Array {
  // prettier-ignore
  return new Uint8Array([
    0xff,
    APP1,
    0x00,
    0x22,
    0x45,
    0x78,
    0x69,
    0x66,
    0x00,
    0x00, // APP1, length 34, "Exif\0\0"
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // big-endian TIFF, IFD0 at 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    orientation,
    0x00,
    0x00, // Orientation, SHORT, 1
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ]);
}

// ---- PNG ----------------------------------------------------------------------------------

const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

function stripPng(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  let first = true;
  for (;;) {
    need(at + 12 <= bytes.length);
    const length = be32(bytes, at);
    const type = text(bytes, at + 4, 4);
    need(/^[A-Za-z]{4}$/.test(type) && at + 12 + length <= bytes.length);
    need(!first || type === 'IHDR');
    first = false;
    if (!PNG_DROPPED.has(type)) kept.push(bytes.subarray(at, at + 12 + length));
    at += 12 + length;
    if (type === 'IEND') return concat(kept);
  }
}

// ---- WebP ---------------------------------------------------------------------------------

const WEBP_DROPPED = new Set(['EXIF', 'XMP ']);
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(bytes: Uint8Array): Uint8Array {
  need(bytes.length >= 20 && text(bytes, 0, 4) === 'RIFF' && text(bytes, 8, 4) === 'WEBP');
  const end = Math.min(bytes.length, 8 + le32(bytes, 4));
  const kept: Uint8Array[] = [];
  let picture = false;
  let at = 12;
  while (at + 8 <= end) {
    const type = text(bytes, at, 4);
    const size = le32(bytes, at + 4);
    const padded = size + (size & 1);
    need(at + 8 + size <= end);
    if (type === 'VP8 ' || type === 'VP8L' || type === 'ANIM') picture = true;
    if (!WEBP_DROPPED.has(type)) {
      const chunk = bytes.slice(at, Math.min(end, at + 8 + padded));
      if (type === 'VP8X') {
        need(size >= 10);
        chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      }
      kept.push(chunk);
    }
    at += 8 + padded;
  }
  need(picture);
  const body = concat(kept);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.byteLength + 4, true);
  return concat([header, body]);
}

// ---- GIF ----------------------------------------------------------------------------------

const KEPT_APPLICATIONS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

function stripGif(bytes: Uint8Array): Uint8Array {
  need(bytes.length >= 13);
  let at = 13;
  const flags = bytes[10]!;
  if (flags & 0x80) at += 3 * (1 << ((flags & 0x07) + 1));
  const kept: Uint8Array[] = [bytes.subarray(0, at)];
  let frames = 0;
  /** The end of the data sub-blocks starting at `from`. */
  const skipSubBlocks = (from: number) => {
    let p = from;
    for (;;) {
      need(p < bytes.length);
      const size = bytes[p]!;
      p += 1 + size;
      if (size === 0) return p;
    }
  };
  for (;;) {
    need(at < bytes.length);
    const introducer = bytes[at]!;
    if (introducer === 0x3b) {
      need(frames > 0);
      kept.push(bytes.subarray(at, at + 1));
      return concat(kept);
    }
    if (introducer === 0x21) {
      need(at + 2 < bytes.length);
      const label = bytes[at + 1]!;
      const next = skipSubBlocks(at + 2);
      const application = label === 0xff ? text(bytes, at + 3, Math.min(11, bytes[at + 2]!)) : '';
      const drop = label === 0xfe || (label === 0xff && !KEPT_APPLICATIONS.has(application));
      if (!drop) kept.push(bytes.subarray(at, next));
      at = next;
    } else if (introducer === 0x2c) {
      need(at + 10 < bytes.length);
      const local = bytes[at + 9]!;
      let p = at + 10;
      if (local & 0x80) p += 3 * (1 << ((local & 0x07) + 1));
      const next = skipSubBlocks(p + 1); // after the LZW minimum code size
      kept.push(bytes.subarray(at, next));
      frames += 1;
      at = next;
    } else {
      throw new MalformedImage();
    }
  }
}
