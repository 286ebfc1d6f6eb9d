/**
 * Who may talk to `/api/messages` in anonymous mode (no MicrosoftAppId, so no channel token to check).
 * Anonymous mode is for local tools (Emulator, Agents Playground) and for the built-in web chat:
 *
 * - an activity naming the built-in Direct Line's serviceUrl must carry that channel's hop key
 *   (directline.ts), so nobody can pose as a web-chat user or write into their conversation;
 * - anything else must come from this machine, not through a proxy (a request with forwarding headers
 *   came from elsewhere), and name a loopback serviceUrl without credentials: the bot posts its
 *   replies there, so a caller must not be able to point it at another host.
 */
import type { Request } from 'restify';
import { isLocalRequest } from './directline.js';

export interface AnonymousCheck {
  status: 400 | 403;
  reason: string;
}

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host', 'via'];

/** An http(s) URL on this machine, written plainly: loopback host, no user or password. */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  // WHATWG URL has already turned decimal/hex/short IPv4 forms into dotted quads.
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

export function checkAnonymousCaller(
  req: Request,
  serviceUrl: string,
  conversationId: string,
  builtIn?: { serviceUrlKind(url: string, conversationId?: string): 'own' | 'forged' | 'other' },
): AnonymousCheck | undefined {
  const kind = builtIn?.serviceUrlKind(serviceUrl, conversationId) ?? 'other';
  if (kind === 'own') return undefined;
  if (kind === 'forged')
    return {
      status: 403,
      reason: "activity.serviceUrl: names the built-in web chat channel without its key; only that channel may post its users' activities",
    };
  if (!isLocalRequest(req) || PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) {
    return {
      status: 403,
      reason: 'anonymous mode (no MicrosoftAppId) accepts /api/messages only from tools on this machine; configure MicrosoftAppId for Teams and Azure channels',
    };
  }
  if (!isLoopbackUrl(serviceUrl))
    return {
      status: 400,
      reason: 'activity.serviceUrl: in anonymous mode must be an http(s) URL on this machine (localhost, 127.0.0.1 or [::1]) without credentials',
    };
  return undefined;
}
