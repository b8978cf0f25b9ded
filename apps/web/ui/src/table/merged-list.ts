import { useCallback, useEffect, useState } from 'preact/hooks';
import { get } from '../api/http';
import type { Merged } from '../api/types';
import { notifyError } from '../shell/notices';

export interface MergedList<T> {
  items: (T & { hostId: number })[];
  errors: Merged<T>['errors'];
  loading: boolean;
  reload: () => Promise<void>;
  /** Replaces the items (live updates between reloads). */
  setItems: (fn: (items: (T & { hostId: number })[]) => (T & { hostId: number })[]) => void;
}

/** A merged list across hosts (`/api/containers`, `/api/images`, …), with the hosts that did not answer. */
export function useMergedList<T>(path: string): MergedList<T> {
  const [data, setData] = useState<Merged<T>>({ items: [], errors: [] });
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    try {
      setData(await get<Merged<T>>(path));
    } catch (err) {
      notifyError(err, `loading ${path.replace(/^\/api\//, '').replace(/\?.*/, '')}`);
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => void reload(), [reload]);
  const setItems = useCallback((fn: (items: (T & { hostId: number })[]) => (T & { hostId: number })[]) => setData((d) => ({ ...d, items: fn(d.items) })), []);
  return { ...data, loading, reload, setItems };
}
