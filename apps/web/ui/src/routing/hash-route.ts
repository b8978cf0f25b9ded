import { useEffect, useState } from 'preact/hooks';

// Routes live in the URL's hash (#/containers/2/abc), so the console's static file server
// needs no fallback for deep links and a reload keeps the page.

function current(): string[] {
  return location.hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
}

/** The path segments of the current route, re-rendering on navigation. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The href of a route: href('containers', 2, id) → "#/containers/2/<id>". */
export function href(...segments: (string | number)[]): string {
  return '#/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export function navigate(...segments: (string | number)[]): void {
  location.hash = href(...segments).slice(1);
}
