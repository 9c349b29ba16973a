/** The code lists (classification, disposition, result), loaded once per board; retried until they arrive. */
import { useEffect, useState } from 'react';
import { fetchCodes, type Codes } from '../api/board.api.ts';

/** The code lists, or null while loading. */
export function useCodes(): Codes | null {
  const [codes, setCodes] = useState<Codes | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      fetchCodes(abort.signal)
        .then(setCodes)
        .catch(() => {
          if (!abort.signal.aborted) timer = setTimeout(load, 3_000);
        });
    load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);
  return codes;
}
