import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths that belong to the API and tools: never answered with the console's index.html. */
const NOT_CONSOLE = /^\/(api|tmf-api|docs)(\/|$)|^\/(healthz|readyz)$/;

/**
 * Serves the built web console (web/dist) from the same process and port as the API. Files are
 * sent precompressed (.br/.gz written at build time) when the browser accepts it; hashed assets
 * are cached for a year, index.html never. Any other GET outside the API answers index.html, so
 * the console's client-side routes survive a reload; API, TMF and docs paths keep their JSON 404.
 */
export function consoleRoutes(distDir: string) {
  const root = path.resolve(distDir);
  return async (app: FastifyInstance) => {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      index: false,
      setHeaders: (reply, file) => {
        const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });

    app.get('/*', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
      let urlPath: string;
      try {
        urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
      } catch {
        return reply.callNotFound(); // malformed escape
      }
      if (NOT_CONSOLE.test(urlPath)) return reply.callNotFound();
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The web console is not built. Run `npm run build:web` (or `npm install`), then reload.\n');
      }
      const file = path.resolve(root, `.${urlPath}`);
      const inside = file.startsWith(root + path.sep);
      if (inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        return reply.sendFile(path.relative(root, file), root);
      }
      // A missing asset is a 404; anything else is a console route.
      if (urlPath.startsWith('/assets/') || path.extname(urlPath) !== '') return reply.callNotFound();
      return reply.sendFile('index.html', root);
    });
  };
}
