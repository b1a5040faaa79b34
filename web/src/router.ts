import { useEffect, useMemo, useState } from 'preact/hooks';

// Every view of the console has an address: the path names the page (and, for a resource, team or service, which
// one), the query string holds the rest (filters, query, point in time, cursor, open finding). The server answers
// index.html for each of these paths (src/server/routes/console.ts), so a reload or a shared link opens the same view.
export type Route = 'findings' | 'overview' | 'review' | 'owners' | 'settings' | 'resource' | 'team' | 'service';

/** The pages of the navigation bar. */
export const ROUTES: Array<{ route: Route; path: string; label: string }> = [
  { route: 'findings', path: '/', label: 'Findings' },
  { route: 'review', path: '/review', label: 'Review queue' },
  { route: 'owners', path: '/teams', label: 'Teams' },
  { route: 'overview', path: '/overview', label: 'Overview' },
  { route: 'settings', path: '/settings', label: 'Settings' },
];

/** The address of each page that is not about one thing. */
const PAGE_PATHS: Record<Exclude<Route, 'resource' | 'team' | 'service'>, string> = {
  findings: '/',
  review: '/review',
  owners: '/teams',
  overview: '/overview',
  settings: '/settings',
};

/** Pages of one thing: `/resources/<id>`, `/teams/<handle>`, `/services/<handle>` (the id percent-encoded, one segment). */
const ITEM_ROUTES = { resources: 'resource', teams: 'team', services: 'service' } as const satisfies Record<string, Route>;

/** Where the reviewer is: the page, the thing it is about (item pages only) and the query string. */
export interface Place {
  route: Route;
  /** The resource id, team handle or service handle of an item page, decoded. */
  id?: string;
  params: URLSearchParams;
}

/** The place an address names; an unknown path is the findings explorer. */
export function parsePlace(pathname: string, search = ''): Place {
  const params = new URLSearchParams(search);
  const clean = pathname.replace(/(?<!\/)\/+$/, '') || '/';
  if (clean === '/findings') return { route: 'findings', params };
  const plain = Object.entries(PAGE_PATHS).find(([, path]) => path === clean);
  if (plain) return { route: plain[0] as Route, params };
  const [, first, ...rest] = clean.split('/');
  const item = ITEM_ROUTES[first as keyof typeof ITEM_ROUTES];
  if (item && rest.length > 0) {
    try {
      return { route: item, id: decodeURIComponent(rest.join('/')), params };
    } catch {
      // A malformed escape: not an address of ours.
    }
  }
  return { route: 'findings', params };
}

/** The route only, for callers that need no parameters. */
export function routeOf(pathname: string): Route {
  return parsePlace(pathname).route;
}

/** The address of a place; parameters with an empty value are left out. */
export function placePath(route: Route, id?: string, params?: URLSearchParams | Record<string, string | undefined>): string {
  const item = Object.entries(ITEM_ROUTES).find(([, r]) => r === route)?.[0];
  const path = item ? `/${item}/${encodeURIComponent(id ?? '')}` : (PAGE_PATHS[route as keyof typeof PAGE_PATHS] ?? '/');
  const q = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params ?? {});
  for (const [k, v] of entries) if (v) q.append(k, v);
  const search = q.toString();
  return search ? `${path}?${search}` : path;
}

const EVENT = 'steward:navigate';

const current = () => location.pathname + location.search;

/**
 * Goes to `path` (path and query string) as a new history entry, or in place of the current one with `replace`
 * (for a view that only completes its own address). `state` travels with the entry (history.state).
 */
export function navigate(path: string, opts: { replace?: boolean; state?: unknown } = {}): void {
  if (opts.replace) history.replaceState(opts.state ?? null, '', path);
  else if (current() !== path) history.pushState(opts.state ?? null, '', path);
  dispatchEvent(new Event(EVENT));
}

/** The current place, updated on navigate() and on back/forward. */
export function useLocationState(): Place {
  const [address, setAddress] = useState(current);
  useEffect(() => {
    const update = () => setAddress(current());
    addEventListener('popstate', update);
    addEventListener(EVENT, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(EVENT, update);
    };
  }, []);
  // One Place object per address, so that effects depending on it run only when the address changes.
  return useMemo(() => {
    const at = address.indexOf('?');
    return at < 0 ? parsePlace(address) : parsePlace(address.slice(0, at), address.slice(at));
  }, [address]);
}

/** The current route (see useLocationState for its parameters). */
export function useRoute(): Route {
  return useLocationState().route;
}
