/**
 * The map section: the map with its search box and layer switcher. Default export, loaded with React.lazy,
 * so MapLibre arrives in its own chunk after sign-in.
 */
import type { RefObject } from 'react';
import CityMap from './CityMap.tsx';
import { LayerSwitcher } from './LayerSwitcher.tsx';
import { SearchBox } from './SearchBox.tsx';

export interface MapWorkspaceProps {
  searchRef: RefObject<HTMLInputElement | null>;
  layersOpen: boolean;
  onToggleLayers(): void;
}

export default function MapWorkspace({ searchRef, layersOpen, onToggleLayers }: MapWorkspaceProps) {
  return (
    <div className="map-workspace">
      <CityMap />
      <div className="map-overlay top-left">
        <SearchBox ref={searchRef} />
      </div>
      <div className="map-overlay top-right">
        <LayerSwitcher open={layersOpen} onToggle={onToggleLayers} />
      </div>
    </div>
  );
}
