/** Who is calling: the TCP peer, never a header a client can write. */
import type { Request } from 'restify';

export function clientIp(req: Request): string {
  // The socket address: X-Forwarded-For is not trusted (any client can set it). Behind a reverse
  // proxy every client shares the proxy's address; raise the limit or rate-limit at the proxy.
  return req.socket?.remoteAddress ?? 'unknown';
}

/** The bot on this machine: loopback, or (bound to one interface) a connection from that same address. */
export function isLocalRequest(req: Pick<Request, 'socket'>): boolean {
  const remote = req.socket?.remoteAddress ?? '';
  if (remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1' || remote.startsWith('127.')) return true;
  // Bound to one specific interface: the bot calls itself on that address, so remote === local.
  return !!remote && remote === req.socket?.localAddress;
}
