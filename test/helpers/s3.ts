import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One object S3 accepted: its bucket, key, content type and body. */
export interface PutObject {
  bucket: string;
  key: string;
  contentType: string | undefined;
  cacheControl: string | undefined;
  body: string;
}

/**
 * A local S3 that accepts PutObject (path-style `PUT /<bucket>/<key>`, as the real client sends to an IP
 * endpoint) and keeps what it was given; `down` makes it answer 500 InternalError. Anything else is 501.
 */
export async function startS3StandIn() {
  const state = { puts: [] as PutObject[], down: false };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const xml = (status: number, code: string) =>
        response
          .writeHead(status, { 'content-type': 'application/xml' })
          .end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
          );
      const [bucket = '', ...key] = (request.url ?? '').split('?')[0]?.slice(1).split('/') ?? [];
      if (request.method !== 'PUT' || key.length === 0) return xml(501, 'NotImplemented');
      if (state.down) return xml(500, 'InternalError');
      let body = Buffer.concat(chunks);
      // The SDK may stream the body aws-chunked (size;chunk-signature… CRLF data CRLF … 0 CRLF trailers).
      if (String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) {
        const parts: Buffer[] = [];
        let at = 0;
        for (;;) {
          const eol = body.indexOf('\r\n', at);
          const size = Number.parseInt(body.subarray(at, eol).toString().split(';')[0] ?? '0', 16);
          if (!size) break;
          parts.push(body.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      }
      state.puts.push({
        bucket: decodeURIComponent(bucket),
        key: key.map(decodeURIComponent).join('/'),
        contentType: request.headers['content-type'],
        cacheControl: request.headers['cache-control'],
        body: body.toString('utf8'),
      });
      response.writeHead(200, { etag: `"${state.puts.length}"` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
