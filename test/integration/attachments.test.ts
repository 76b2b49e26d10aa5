// Attachments through HTTP on both storages (database and directory): the size limit, files
// refused by their bytes, a byte-exact round trip, who sees and deletes what, the audit entries.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAttachmentOwner } from '../../src/modules/attachments/index.ts';
import { badQuery, runCases } from '../bad-input.ts';
import { createTestServer, type TestServer } from '../harness.ts';

const API = '/api/v1/attachments';
const MAX = 64 * 1024;

/** A PNG header followed by random bytes: any byte value must survive the round trip. */
const png = (size: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), randomBytes(200)]);

// Requests of this test's owner type are readable by supervisors only (the owning module's rule).
registerAttachmentOwner('test_ticket', async (_db, caller) => caller.principal.roles.includes('supervisor'));

for (const storage of ['database', 'directory'] as const) {
  describe(`attachments in the ${storage} (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
    let s: TestServer;
    let dir: string | undefined;
    beforeAll(async () => {
      dir = storage === 'directory' ? fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-att-')) : undefined;
      s = await createTestServer({
        env: {
          ONEPOINT_ATTACHMENT_MAX_BYTES: String(MAX),
          ...(dir ? { ONEPOINT_ATTACHMENTS_DIR: dir } : {}),
        },
      });
    });
    afterAll(async () => {
      await s?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const upload = async (
      login: string,
      body: Buffer,
      opts: { type?: string; owner?: string; ownerId?: string; name?: string } = {},
    ) =>
      s.app.inject({
        method: 'POST',
        url: `${API}?ownerType=${opts.owner ?? 'draft_request'}&ownerId=${opts.ownerId ?? 'R1'}&fileName=${encodeURIComponent(opts.name ?? '光猫.png')}`,
        headers: { ...(await s.as(login)), 'content-type': opts.type ?? 'application/octet-stream' },
        payload: body,
      });

    it('stores a file and gives it back byte for byte, as a download that is never sniffed', async () => {
      const file = png(MAX - 100);
      const res = await upload('agent', file, { type: 'image/png' });
      expect(res.statusCode, res.body).toBe(201);
      const meta = res.json();
      expect(meta).toMatchObject({
        contentType: 'image/png',
        sizeBytes: file.length,
        storage,
        fileName: '光猫.png',
        ownerType: 'draft_request',
        ownerId: 'R1',
      });
      expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
      const got = await s.app.inject({
        method: 'GET',
        url: `${API}/${meta.id}/content`,
        headers: await s.as('agent'),
      });
      expect(got.statusCode).toBe(200);
      expect(got.rawPayload.equals(file)).toBe(true);
      expect(got.headers['content-type']).toBe('image/png');
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      expect(String(got.headers['content-disposition'])).toMatch(
        /^attachment; .*filename\*=UTF-8''%E5%85%89%E7%8C%AB\.png$/,
      );
      if (dir) {
        // In the directory, under its id, and no temporary file left behind.
        const files = fs.readdirSync(dir, { recursive: true }).map(String);
        expect(files.some((f) => f.endsWith(meta.id))).toBe(true);
        expect(files.some((f) => f.endsWith('.part'))).toBe(false);
      } else {
        const n = await s.ctx.db
          .selectFrom('attachment_contents')
          .select('attachment_id')
          .where('attachment_id', '=', meta.id)
          .execute();
        expect(n).toHaveLength(1);
      }
      const audit = await s.ctx.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('entity_id', '=', meta.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['attachment.upload']);
      // Never the file name in the audit log.
      expect(JSON.stringify(audit)).not.toContain('光猫');
    });

    it('refuses a file over the limit (413) and stores nothing', async () => {
      const before = await s.ctx.db.selectFrom('attachments').select('id').execute();
      const res = await upload('agent', png(MAX + 1));
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
      expect(await s.ctx.db.selectFrom('attachments').select('id').execute()).toEqual(before);
    });

    it('refuses a program disguised as a photo, a type other than the bytes, and unknown kinds', async () => {
      const disguised = await upload('agent', exe, { type: 'image/jpeg', name: 'photo.jpg' });
      expect(disguised.statusCode).toBe(415);
      expect(disguised.json()).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        details: { reason: 'ATTACHMENT_EXECUTABLE' },
      });
      const octet = await upload('agent', exe, { name: 'invoice.pdf' });
      expect(octet.json().details.reason).toBe('ATTACHMENT_EXECUTABLE');
      const mismatch = await upload('agent', Buffer.from('%PDF-1.7\n'), { type: 'image/png' });
      expect(mismatch.statusCode).toBe(415);
      expect(mismatch.json().details.reason).toBe('ATTACHMENT_TYPE_MISMATCH');
      const unknown = await upload('agent', Buffer.from([0, 1, 2, 3, 4, 5]));
      expect(unknown.json().details.reason).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
      const html = await upload('agent', Buffer.from('<script>alert(1)</script>'), { type: 'text/html' });
      expect(html.statusCode).toBe(415);
      const empty = await upload('agent', Buffer.alloc(0));
      expect(empty.statusCode).toBe(400);
    });

    it('shows an attachment of an unregistered owner type to its uploader and the admin only', async () => {
      const meta = (
        await upload('agent', Buffer.from('宽带无法上网，光猫LOS灯红\n'), { ownerId: 'R2', name: 'note.txt' })
      ).json();
      expect(meta.contentType).toBe('text/plain');
      for (const [login, status] of [
        ['agent', 200],
        ['admin', 200],
        ['supervisor', 404],
        ['zj.agent', 404],
      ] as const) {
        const res = await s.app.inject({
          method: 'GET',
          url: `${API}/${meta.id}`,
          headers: await s.as(login),
        });
        expect(res.statusCode, login).toBe(status);
        const content = await s.app.inject({
          method: 'GET',
          url: `${API}/${meta.id}/content`,
          headers: await s.as(login),
        });
        expect(content.statusCode, login).toBe(status);
      }
      const list = async (login: string) =>
        (
          await s.app.inject({
            method: 'GET',
            url: `${API}?ownerType=draft_request&ownerId=R2`,
            headers: await s.as(login),
          })
        ).json().items.length;
      expect(await list('agent')).toBe(1);
      expect(await list('supervisor')).toBe(0);
      expect(await list('admin')).toBe(1);
    });

    it('lets the owning module decide who reads a registered owner type’s attachments', async () => {
      const meta = (await upload('supervisor', png(500), { owner: 'test_ticket', ownerId: 'T1' })).json();
      expect(meta.id).toBeDefined();
      const as = async (login: string) =>
        (await s.app.inject({ method: 'GET', url: `${API}/${meta.id}/content`, headers: await s.as(login) }))
          .statusCode;
      expect(await as('supervisor')).toBe(200);
      expect(await as('zj.supervisor')).toBe(200);
      expect(await as('dispatcher')).toBe(404);
      expect(await as('agent')).toBe(404);
      // The rule also says who may attach: an agent is no supervisor.
      expect((await upload('agent', png(100), { owner: 'test_ticket', ownerId: 'T1' })).statusCode).toBe(404);
    });

    it('deletes (uploader or admin only), audited, and the bytes are gone', async () => {
      const meta = (await upload('agent', png(300), { ownerId: 'R3' })).json();
      const other = await s.app.inject({
        method: 'DELETE',
        url: `${API}/${meta.id}`,
        headers: await s.as('zj.agent'),
      });
      expect(other.statusCode).toBe(404);
      const del = await s.app.inject({
        method: 'DELETE',
        url: `${API}/${meta.id}`,
        headers: await s.as('agent'),
      });
      expect(del.statusCode).toBe(204);
      const gone = await s.app.inject({
        method: 'GET',
        url: `${API}/${meta.id}/content`,
        headers: await s.as('agent'),
      });
      expect(gone.statusCode).toBe(404);
      const actions = await s.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', meta.id)
        .orderBy('seq')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['attachment.upload', 'attachment.delete']);
      if (dir)
        expect(
          fs
            .readdirSync(dir, { recursive: true })
            .map(String)
            .some((f) => f.endsWith(meta.id)),
        ).toBe(false);
      else
        expect(
          await s.ctx.db
            .selectFrom('attachment_contents')
            .select('attachment_id')
            .where('attachment_id', '=', meta.id)
            .execute(),
        ).toEqual([]);
    });

    it('refuses bad ids, owners and queries, naming the field', async () => {
      const admin = await s.as('admin');
      const { problems } = await runCases(
        s.app,
        [
          badQuery(`${API}/not-a-uuid`, 'params.id'),
          badQuery(`${API}/not-a-uuid/content`, 'params.id'),
          badQuery(`${API}?ownerType=Bad%20Type&ownerId=R1`, 'querystring.ownerType'),
          badQuery(`${API}?ownerType=draft_request&ownerId=..%2F..%2Fetc`, 'querystring.ownerId'),
          badQuery(`${API}?ownerType=draft_request`, 'querystring.ownerId'),
          badQuery(`${API}?ownerType=draft_request&ownerId=R1&x=1`, 'querystring'),
          {
            what: 'upload without an owner',
            req: { method: 'POST', url: API, headers: { 'content-type': 'image/png' }, payload: png(100) },
            status: 400,
            code: 'VALIDATION_FAILED',
            field: 'querystring.ownerType',
          },
          {
            what: 'a file name over 255 characters',
            req: {
              method: 'POST',
              url: `${API}?ownerType=a_b&ownerId=1&fileName=${'x'.repeat(256)}`,
              headers: { 'content-type': 'image/png' },
              payload: png(100),
            },
            status: 400,
            code: 'VALIDATION_FAILED',
            field: 'querystring.fileName',
          },
          {
            what: 'a file name with a control character',
            req: {
              method: 'POST',
              url: `${API}?ownerType=a_b&ownerId=1&fileName=a%07b.png`,
              headers: { 'content-type': 'image/png' },
              payload: png(100),
            },
            status: 400,
            code: 'VALIDATION_FAILED',
            field: 'querystring.fileName',
          },
          {
            what: 'upload as JSON',
            req: { method: 'POST', url: `${API}?ownerType=a_b&ownerId=1`, payload: { file: 'x' } },
            status: 415,
            code: 'UNSUPPORTED_MEDIA_TYPE',
          },
        ],
        () => admin,
      );
      expect(problems).toEqual([]);
    });
  });
}
