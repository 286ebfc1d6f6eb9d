/**
 * The one static-file server of the web pages (the chat page, the agent console, the insights page):
 * a fixed list of routes, each mapped to one file, so no path from the request ever reaches the file
 * system and nothing is listed.
 *
 * Each file is read once and kept in memory with its ETag (a hash of the bytes) and, above 1 KiB,
 * a gzip copy; a stat per request notices when the file changed on disk (a deploy, an edited page, a
 * rebuilt console bundle) and reads it again, so `no-cache` pages are fresh on the next load and
 * unchanged ones revalidate with a 304. HEAD is answered like GET without the body.
 *
 * Written here rather than with restify's serveStatic / serveStaticFiles (`send`): those map request
 * paths into a folder (a fixed route-to-file list is all the pages need), derive ETags from file
 * times, and cannot send a page with another status (the insights page answers 403 to agents who are
 * not supervisors) or wait for a console bundle to be built; keeping Web Chat's 4 MB bundle
 * gzipped in memory also avoids compressing it per request.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../log.js';
import { sendError } from './console/api-errors.js';

const gzip = promisify(gzipCb);

/** Bodies up to this size are sent as they are (gzip would gain little). */
const GZIP_ABOVE_BYTES = 1024;

const here = path.dirname(fileURLToPath(import.meta.url));

/** src/web/public next to this module (tsx, vitest) or, from the build in dist/src/web, in the source tree. */
export function publicDirCandidates(): string[] {
  return [path.join(here, 'public'), path.resolve(here, '../../../src/web/public'), path.resolve('src/web/public')];
}

/**
 * The page folder: the first candidate holding `marker`. Without one the bot keeps working for Teams
 * and other channels; only the pages answer 500, and the log says where it looked.
 */
export function findPublicDir(marker: string, logger?: Logger): string {
  const candidates = publicDirCandidates();
  const found = candidates.find((d) => existsSync(path.join(d, marker)));
  if (found) return found;
  logger?.error({ looked: candidates, marker }, 'page files not found: deploy src/web/public with the build');
  return candidates[0]!;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticFile {
  /** The file's path; may wait (a console bundle is built on first use). Called on every request. */
  file: () => string | Promise<string>;
  /** Cache-Control. Default `no-cache` (always revalidated, so a deploy is seen on the next load). */
  cache?: string;
  /** Content-Type; default from the file's extension. */
  type?: string;
  /** Extra response headers (a page's own CSP, X-Frame-Options). */
  headers?: (req: Request) => Record<string, string>;
  /** The status to answer with (default 200); a page sent with another status is never a 304. */
  status?: (req: Request) => Promise<number>;
  /** Applied to the file once when it is read (a page template filled with its words). */
  transform?: (body: Buffer) => Buffer;
}

interface Asset {
  /** Path, modification time and size when read: another value means the file changed. */
  version: string;
  body: Buffer;
  gz?: Buffer;
  etag: string;
  type: string;
}

async function loadAsset(file: string, version: string, type: string | undefined, transform?: (body: Buffer) => Buffer): Promise<Asset> {
  const raw = await readFile(file);
  const body = transform ? transform(raw) : raw;
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const asset: Asset = { version, body, etag, type: type ?? TYPES[path.extname(file)] ?? 'application/octet-stream' };
  if (body.length > GZIP_ABOVE_BYTES) asset.gz = await gzip(body, { level: 6 });
  return asset;
}

function send(req: Request, res: Response, asset: Asset, status: number, headers: Record<string, string | number>): void {
  if (status === 200 && String(req.headers['if-none-match'] ?? '') === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const wantsGzip = asset.gz !== undefined && /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
  const body = wantsGzip ? asset.gz! : asset.body;
  if (wantsGzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Registers GET and HEAD for each route. A file that cannot be read is a logged 500 (and is tried again next time). */
export function serveStaticFiles(server: Server, files: Record<string, StaticFile>, logger?: Logger): void {
  for (const [route, spec] of Object.entries(files)) {
    let current: Promise<Asset> | undefined;
    const handler = async (req: Request, res: Response) => {
      let asset: Asset;
      try {
        const file = await spec.file();
        const info = await stat(file);
        const version = `${file}|${info.mtimeMs}|${info.size}`;
        let loading = current;
        if (!loading || (await loading.catch(() => undefined))?.version !== version) {
          loading = loadAsset(file, version, spec.type, spec.transform);
          current = loading;
        }
        asset = await loading;
      } catch (err) {
        current = undefined;
        logger?.error({ err: { message: (err as Error)?.message }, route }, 'page file unavailable');
        sendError(res, 500, 'asset-unavailable', `page file unavailable on the server: ${route}`);
        return;
      }
      const status = spec.status ? await spec.status(req) : 200;
      send(req, res, asset, status, {
        'Content-Type': asset.type,
        'Cache-Control': spec.cache ?? 'no-cache',
        ETag: asset.etag,
        Vary: 'Accept-Encoding',
        ...spec.headers?.(req),
      });
    };
    server.get(route, handler);
    server.head(route, handler);
  }
}
