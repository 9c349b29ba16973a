/** The code lists (classification, disposition, result), loaded once per board. */
import { useEffect, useState } from 'react';
import { fetchCodes, type Codes } from '../api/board.api.ts';
import { FALLBACK_CODES } from '../utils/codes.fallback.ts';

/** The code lists, or null while loading. */
export function useCodes(): Codes | null {
  const [codes, setCodes] = useState<Codes | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetchCodes(abort.signal)
      .then(setCodes)
      .catch(() => {
        // Before the endpoint exists (or when it fails) the built-in list still lets calls be taken.
        if (!abort.signal.aborted) setCodes(FALLBACK_CODES);
      });
    return () => abort.abort();
  }, []);
  return codes;
}
