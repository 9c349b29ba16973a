/** Place search: address, station, unit call sign. Enter or a click flies the map to the hit and marks it. */
import { forwardRef, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import { searchPlaces, type SearchResult } from '../api/geo.api.ts';
import { getMap, getSearchable } from '../state/map.instance.ts';

function flyTo(result: SearchResult, marker: { current: maplibregl.Marker | null }): void {
  const map = getMap();
  if (!map) return;
  marker.current?.remove();
  const el = document.createElement('div');
  el.className = 'search-pin';
  el.setAttribute('aria-hidden', 'true');
  marker.current = new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat(result.location).addTo(map);
  if (result.bbox && result.kind === 'jurisdiction') map.fitBounds(result.bbox, { padding: 60, duration: 800 });
  else map.flyTo({ center: result.location, zoom: Math.max(map.getZoom(), 15), duration: 800 });
}

export const SearchBox = forwardRef<HTMLInputElement>(function SearchBox(_props, inputRef) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const [active, setActive] = useState(0);
  const marker = useRef<maplibregl.Marker | null>(null);

  // Search as the user types, after a short pause; a newer query cancels the older request.
  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setResults(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setBusy(true);
      setFailed(false);
      searchPlaces(query, getSearchable(), abort.signal)
        .then((r) => {
          setResults(r);
          setActive(0);
        })
        .catch(() => {
          if (!abort.signal.aborted) setFailed(true);
        })
        .finally(() => {
          if (!abort.signal.aborted) setBusy(false);
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [q]);

  useEffect(
    () => () => {
      marker.current?.remove();
    },
    [],
  );

  const choose = (r: SearchResult) => {
    flyTo(r, marker);
    setResults(null);
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && results?.length) {
      e.preventDefault();
      setActive((a) => (a + 1) % results.length);
    } else if (e.key === 'ArrowUp' && results?.length) {
      e.preventDefault();
      setActive((a) => (a - 1 + results.length) % results.length);
    } else if (e.key === 'Enter' && results?.[active]) {
      e.preventDefault();
      choose(results[active]);
    } else if (e.key === 'Escape') {
      setResults(null);
      e.currentTarget.blur();
    }
  };

  const listId = 'search-results';
  return (
    <div className="search-box panel" role="search">
      <input
        ref={inputRef}
        type="search"
        name="q"
        value={q}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        role="combobox"
        aria-expanded={results !== null && results.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        autoComplete="off"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={handleKeyDown}
      />
      {busy && <div className="search-note">{t('search.searching')}</div>}
      {failed && (
        <div className="search-note error" role="alert">
          {t('search.failed')}
        </div>
      )}
      {results && !busy && results.length === 0 && (
        <div className="search-note">{t('search.noResults', { q: q.trim() })}</div>
      )}
      {results && results.length > 0 && (
        <ul id={listId} role="listbox" className="search-results">
          {results.map((r, i) => (
            <li
              key={`${r.kind}:${r.label}:${r.location.join(',')}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(r)}
            >
              <span className="kind">{t(`search.kinds.${r.kind}`)}</span>
              <span className="label">{r.label}</span>
              {r.detail && <span className="detail">{r.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
