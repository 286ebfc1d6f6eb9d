import type { Request } from 'restify';

/**
 * A path parameter of the route (`:name`), '' when absent. restify types `req.params` as `any`; every
 * body and query parser here runs with `mapParams: false`, so it holds only the router's decoded
 * path segments, which are strings.
 */
export function pathParam(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
