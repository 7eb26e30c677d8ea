/**
 * Metadata stripping and type sniffing on real encoder output (tests/fixtures/images.ts) with
 * metadata added as cameras and editors write it: what goes, what stays byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { sniffType } from '../../worker/attachments/sniff.ts';
import { stripMetadata } from '../../worker/attachments/strip-metadata.ts';
import {
  concat,
  containsBytes,
  fakeJpeg,
  gif,
  gifWithMetadata,
  jpeg,
  jpegMagicOnly,
  jpegWithMetadata,
  pdf,
  png,
  pngWithMetadata,
  SECRETS,
  webp,
  webpWithMetadata,
} from '../fixtures/images.ts';

const GPS_POINTER = Uint8Array.from([0x88, 0x25]);

function expectNoSecrets(bytes: Uint8Array) {
  expect(containsBytes(bytes, SECRETS.camera)).toBe(false);
  expect(containsBytes(bytes, SECRETS.comment)).toBe(false);
  expect(containsBytes(bytes, SECRETS.xmp)).toBe(false);
  expect(containsBytes(bytes, GPS_POINTER)).toBe(false);
}

describe('type from the bytes', () => {
  it('knows each accepted kind by its magic number, whatever it is called', () => {
    expect(sniffType(jpeg())).toBe('image/jpeg');
    expect(sniffType(png())).toBe('image/png');
    expect(sniffType(webp())).toBe('image/webp');
    expect(sniffType(gif())).toBe('image/gif');
    expect(sniffType(pdf())).toBe('application/pdf');
    expect(sniffType(fakeJpeg())).toBeNull();
    expect(sniffType(new Uint8Array(0))).toBeNull();
  });
});

describe('metadata stripping', () => {
  it('JPEG: EXIF with GPS, XMP, IPTC and the comment go; the picture, JFIF and ICC stay; a sideways photo keeps only its orientation', () => {
    const stripped = stripMetadata('image/jpeg', jpegWithMetadata(6))!;
    expectNoSecrets(stripped);
    const plain = jpeg();
    // SOI, then an APP1 (length 34) holding only Orientation = 6, then the original file unchanged.
    expect(stripped.subarray(0, 2)).toEqual(plain.subarray(0, 2));
    expect(Array.from(stripped.subarray(2, 12))).toEqual([0xff, 0xe1, 0x00, 0x22, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00]);
    expect(stripped[2 + 2 + 2 + 6 + 8 + 2 + 8 + 1]).toBe(6);
    expect(stripped.subarray(38)).toEqual(plain.subarray(2));
  });

  it('JPEG: an upright photo loses its EXIF entirely and comes back as the encoder wrote it', () => {
    expect(stripMetadata('image/jpeg', jpegWithMetadata(1))).toEqual(jpeg());
  });

  it('PNG: eXIf, tEXt, iTXt and tIME go; the result is the encoder output', () => {
    const stripped = stripMetadata('image/png', pngWithMetadata())!;
    expectNoSecrets(stripped);
    expect(stripped).toEqual(png());
  });

  it('WebP: EXIF and XMP chunks go, the VP8X flags are cleared and the RIFF size fixed', () => {
    const stripped = stripMetadata('image/webp', webpWithMetadata())!;
    expectNoSecrets(stripped);
    expect(stripped).toEqual(webp());
  });

  it('GIF: comment and XMP extensions go; the animation-free picture is unchanged', () => {
    const stripped = stripMetadata('image/gif', gifWithMetadata())!;
    expectNoSecrets(stripped);
    expect(stripped).toEqual(gif());
  });

  it('refuses bytes that start like an image but have no image structure', () => {
    expect(stripMetadata('image/jpeg', jpegMagicOnly())).toBeNull();
    expect(stripMetadata('image/png', png().subarray(0, 40))).toBeNull();
    expect(stripMetadata('image/gif', gif().subarray(0, 20))).toBeNull();
    expect(stripMetadata('image/webp', concat(webp().subarray(0, 12), [1, 2, 3]))).toBeNull();
    // A JPEG cut off before its first scan has no picture.
    const plain = jpeg();
    expect(stripMetadata('image/jpeg', plain.subarray(0, 600))).toBeNull();
  });

  it('leaves a PDF as it is', () => {
    expect(stripMetadata('application/pdf', pdf())).toEqual(pdf());
  });
});
