/**
 * Security headers for every response. The CSP allows what the chat page needs (our own scripts,
 * inline styles Web Chat injects, data:/blob: images for Adaptive Cards and avatars) and nothing
 * from other origins. Framing is denied except by Teams (tabs), which the CSP frame-ancestors allows.
 */
import type { Request, Response, Next } from 'restify';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft",
].join('; ');

export function securityHeaders() {
  return (req: Request, res: Response, next: Next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (String(req.headers['x-forwarded-proto'] ?? '') === 'https') res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    res.removeHeader('X-Powered-By');
    res.removeHeader('Server');
    return next();
  };
}
