import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition } from './file-name.ts';
import { isExecutable, sniff, zipEntryNames } from './sniff.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest of a png');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0], 'jfif');
const PDF = bytes('%PDF-1.7\n1 0 obj');
const EXE = bytes('MZ', [0x90, 0x00, 0x03], 'This program cannot be run in DOS mode');
const ELF = bytes([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]);

/** A minimal ZIP holding empty (stored) entries with these names. */
export function zipOf(names: string[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const n of names) {
    const name = Buffer.from(n, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(name.length, 26);
    local.push(lh, name);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

describe('sniffing a file by its bytes', () => {
  it('recognises images, PDF and text whatever the client called them', () => {
    expect(sniff(PNG, 'modem.png')).toEqual({ ok: true, contentType: 'image/png' });
    expect(sniff(JPEG, 'photo', 'application/octet-stream')).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(sniff(PDF, 'bill.pdf', 'application/pdf')).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniff(Buffer.from('光猫 LOS 灯红\r\n'), 'note.txt')).toEqual({
      ok: true,
      contentType: 'text/plain',
    });
    expect(sniff(Buffer.from('a,b\n1,2\n'), 'list.csv')).toEqual({ ok: true, contentType: 'text/csv' });
  });

  it('refuses programs and scripts, also under an image name or type', () => {
    for (const [b, name, declared] of [
      [EXE, 'photo.jpg', 'image/jpeg'],
      [ELF, 'report.pdf', undefined],
      [bytes('#!/bin/sh\nrm -rf /\n'), 'notes.txt', 'text/plain'],
    ] as const) {
      const r = sniff(b, name, declared);
      expect(r).toMatchObject({ ok: false, reason: 'ATTACHMENT_EXECUTABLE' });
    }
    expect(isExecutable(PNG)).toBe(false);
  });

  it('refuses a type the bytes are not, and kinds not allowed', () => {
    expect(sniff(PDF, 'x.png', 'image/png')).toMatchObject({ ok: false, reason: 'ATTACHMENT_TYPE_MISMATCH' });
    expect(sniff(bytes([0x00, 0x01, 0x02, 0x03]), 'blob.bin')).toMatchObject({
      ok: false,
      reason: 'ATTACHMENT_TYPE_NOT_ALLOWED',
    });
    expect(sniff(Buffer.alloc(0), 'empty.txt')).toMatchObject({ ok: false, reason: 'ATTACHMENT_EMPTY' });
  });

  it('accepts Office documents by their entries, refuses other archives and macro documents', () => {
    const docx = zipOf(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
    expect(zipEntryNames(docx)).toContain('word/document.xml');
    expect(sniff(docx, 'a.docx')).toEqual({
      ok: true,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(sniff(zipOf(['[Content_Types].xml', 'xl/workbook.xml']), 'a.xlsx')).toMatchObject({ ok: true });
    expect(sniff(zipOf(['setup.exe']), 'a.zip')).toMatchObject({ reason: 'ATTACHMENT_TYPE_NOT_ALLOWED' });
    expect(
      sniff(zipOf(['[Content_Types].xml', 'word/document.xml', 'word/vbaProject.bin']), 'a.docm'),
    ).toMatchObject({ reason: 'ATTACHMENT_TYPE_NOT_ALLOWED' });
  });

  it('tells legacy Office files apart by name only', () => {
    const ole = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'compound');
    expect(sniff(ole, 'old.xls')).toEqual({ ok: true, contentType: 'application/vnd.ms-excel' });
    expect(sniff(ole, 'old.doc', 'application/vnd.ms-powerpoint')).toEqual({
      ok: true,
      contentType: 'application/vnd.ms-powerpoint',
    });
  });
});

describe('file names', () => {
  it('keeps the last path segment without control or header characters', () => {
    expect(cleanFileName('C:\\fakepath\\光猫照片.jpg')).toBe('光猫照片.jpg');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a"\r\nb.txt')).toBe('ab.txt');
    expect(cleanFileName('...')).toBe('attachment');
    expect(cleanFileName(undefined)).toBe('attachment');
  });

  it('sends an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('光猫.jpg')).toBe(
      `attachment; filename="__.jpg"; filename*=UTF-8''%E5%85%89%E7%8C%AB.jpg`,
    );
  });
});
