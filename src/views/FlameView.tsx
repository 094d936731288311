// The default view: the flame graph over the full width with the Top table docked
// below it (resizable), so selecting in one highlights in the other.

import { useCallback, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { actions, type Source } from '../state/store';
import type { ViewSettings } from '../state/settings';
import type { AnalysisResult } from '../worker/protocol';
import { FlameGraph } from './FlameGraph';
import { TopTable } from './TopTable';

interface Props {
  source: Source;
  result: AnalysisResult;
  settings: ViewSettings;
  unit: string;
  keyMatch: Uint8Array | null;
}

const MIN_TABLE = 90;
const MIN_FLAME = 160;

export function FlameView({ source, result, settings, unit, keyMatch }: Props) {
  const rootRef = useRef<HTMLDivElement>(null);
  const [tableHeight, setTableHeight] = useState(230);

  const onPointerDown = useCallback((e: ReactPointerEvent<HTMLDivElement>) => {
    const root = rootRef.current;
    if (!root) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      const r = root.getBoundingClientRect();
      const h = Math.round(r.bottom - ev.clientY);
      setTableHeight(Math.max(MIN_TABLE, Math.min(r.height - MIN_FLAME, h)));
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  }, []);

  return (
    <div className="flame-view" ref={rootRef}>
      <FlameGraph
        className="flame-main"
        tree={result.tree}
        summary={source.summary}
        nameIndex={source.nameIndex}
        unit={unit}
        profileTotal={result.top.total}
        zoomPath={settings.zoomPath}
        onZoom={actions.setZoomPath}
        selected={settings.selectedFunction}
        onSelect={actions.selectFunction}
        keyMatch={keyMatch}
        icicle={result.query.inverted}
        testId="flamegraph"
        breadcrumbTestId="flame-breadcrumb"
      />
      <div
        className="split-handle"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the table"
        onPointerDown={onPointerDown}
        onDoubleClick={() => setTableHeight(230)}
      />
      <div className="docked-table" style={{ height: tableHeight }}>
        <TopTable
          compact
          result={result}
          summary={source.summary}
          unit={unit}
          selected={settings.selectedFunction}
          onSelect={actions.selectFunction}
          onOpen={actions.openInSandwich}
        />
      </div>
    </div>
  );
}
