/** Checkbox list of layer groups; groups the server offers no data for say so. */
import { useTranslation } from 'react-i18next';
import { setLayerVisible, useLayers } from '../state/layers.store.ts';
import { LAYER_GROUPS } from '../utils/map.style.ts';

interface LayerSwitcherProps {
  open: boolean;
  onToggle(): void;
}

export function LayerSwitcher({ open, onToggle }: LayerSwitcherProps) {
  const { t } = useTranslation();
  const { visible, missing } = useLayers();
  return (
    <div className="layer-switcher panel">
      <button type="button" className="panel-toggle" aria-expanded={open} aria-controls="layer-list" onClick={onToggle}>
        {t('layers.toggle')}
      </button>
      {open && (
        <fieldset id="layer-list" className="layer-list">
          <legend>{t('layers.title')}</legend>
          {LAYER_GROUPS.map((g) => (
            <label key={g} className={missing[g] ? 'missing' : undefined}>
              <input
                type="checkbox"
                name={`layer-${g}`}
                checked={visible[g]}
                onChange={(e) => setLayerVisible(g, e.target.checked)}
              />
              <span>{t(`layers.${g}`)}</span>
              {missing[g] && <small>（{t('layers.unavailable')}）</small>}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
