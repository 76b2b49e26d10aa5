/** /attachments: upload (the raw file as the body), metadata, download, list by owner, delete. */
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { callerOf } from '../../platform/http/caller.ts';
import {
  attachmentContent,
  deleteAttachment,
  getAttachment,
  listAttachments,
  tooLarge,
  uploadAttachment,
  type AttachmentDeps,
} from './attachments.service.ts';
import type { ModuleContext } from './attachments.tables.ts';
import { contentDisposition } from './domain/file-name.ts';
import { ALLOWED_TYPES, UPLOAD_BODY_TYPES } from './domain/sniff.ts';
import { OWNER_TYPE_PATTERN } from './owners.ts';
import { storesFor } from './storage.ts';

const tags = ['attachments'];
const idParams = z.object({ id: z.uuid() });
const owner = {
  ownerType: z
    .string()
    .regex(OWNER_TYPE_PATTERN, 'must be the owner kind in lower_case, e.g. service_request')
    .describe('What the file is attached to, e.g. service_request'),
  ownerId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be the owning record’s id')
    .describe('The owning record’s id'),
};

export const attachmentView = z.object({
  id: z.string(),
  ownerType: z.string(),
  ownerId: z.string(),
  fileName: z.string().describe('masked like free text'),
  contentType: z.string().describe('found in the bytes, not taken from the client'),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  storage: z.enum(['database', 'directory']),
  uploadedAt: z.iso.datetime({ offset: true }),
  uploadedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
});

const upload = (permission: string) => ({ access: { permission } }) as const;

export function attachmentRoutes(ctx: ModuleContext) {
  const deps: AttachmentDeps = {
    db: ctx.db,
    stores: storesFor(ctx.config.attachmentsDir),
    maxBytes: ctx.config.attachmentMaxBytes,
  };
  return async (app: App) => {
    // The file is the raw request body, whatever type the client calls it (the bytes decide).
    for (const t of UPLOAD_BODY_TYPES) if (app.hasContentTypeParser(t)) app.removeContentTypeParser(t);
    app.addContentTypeParser(
      [...UPLOAD_BODY_TYPES],
      { parseAs: 'buffer', bodyLimit: deps.maxBytes },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/attachments',
      {
        // Refused before the body is read when it says it is too large.
        onRequest: async (request) => {
          if (Number(request.headers['content-length'] ?? 0) > deps.maxBytes) throw tooLarge(deps.maxBytes);
        },
        bodyLimit: deps.maxBytes,
        schema: {
          tags,
          summary:
            'Attach a file (the raw request body) to a record. Its type is read from the bytes: images, PDF, ' +
            'Office documents and plain text; programs and a type other than the one sent are refused ' +
            '(415, details.reason ATTACHMENT_EXECUTABLE / ATTACHMENT_TYPE_MISMATCH / ATTACHMENT_TYPE_NOT_ALLOWED); ' +
            'over ONEPOINT_ATTACHMENT_MAX_BYTES: 413. Audited.',
          querystring: z.strictObject({
            ...owner,
            fileName: z
              .string()
              .max(255)
              .optional()
              .describe('The file’s name (a path is cut to its last part)'),
          }),
          response: { 201: attachmentView },
        },
        config: { ...upload('attachment.upload'), bodyTypes: UPLOAD_BODY_TYPES },
      },
      async (request, reply) => {
        const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const view = await uploadAttachment(deps, callerOf(request, ctx.clock), {
          ...request.query,
          declaredType: request.headers['content-type'],
          bytes,
        });
        return reply.status(201).send(view);
      },
    );

    app.get(
      '/attachments',
      {
        schema: {
          tags,
          summary:
            'A record’s attachments, oldest first (all of them when the owning module lets you read the record; else yours)',
          querystring: z.strictObject(owner),
          response: { 200: z.object({ items: z.array(attachmentView) }) },
        },
        config: upload('attachment.read'),
      },
      async (request) => ({
        items: await listAttachments(
          deps,
          callerOf(request, ctx.clock),
          request.query.ownerType,
          request.query.ownerId,
        ),
      }),
    );

    app.get(
      '/attachments/:id',
      {
        schema: {
          tags,
          summary: 'One attachment’s metadata',
          params: idParams,
          response: { 200: attachmentView },
        },
        config: upload('attachment.read'),
      },
      async (request) => getAttachment(deps, callerOf(request, ctx.clock), request.params.id),
    );

    app.get(
      '/attachments/:id/content',
      {
        schema: {
          tags,
          summary:
            'Download the file, byte for byte, with its stored type, as an attachment (never shown inline), ' +
            'after checking its checksum',
          params: idParams,
          response: {
            200: {
              description: 'The file',
              content: Object.fromEntries(ALLOWED_TYPES.map((t) => [t, { schema: z.string() }])),
            },
          },
        },
        config: upload('attachment.read'),
      },
      async (request, reply) => {
        const { row, bytes } = await attachmentContent(deps, callerOf(request, ctx.clock), request.params.id);
        return reply
          .header('content-type', row.content_type)
          .header('content-disposition', contentDisposition(row.file_name))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-length', String(bytes.length))
          .send(bytes as never);
      },
    );

    app.delete(
      '/attachments/:id',
      {
        schema: {
          tags,
          summary: 'Delete an attachment (its uploader, or attachment.manage): the file goes; audited',
          params: idParams,
          response: { 204: z.null() },
        },
        config: { access: { anyPermission: ['attachment.upload', 'attachment.manage'] } },
      },
      async (request, reply) => {
        await deleteAttachment(deps, callerOf(request, ctx.clock), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
