// "Explain in map view": the link from anything that names a runtime map function — a
// crash dump's map goroutines, a goroutine group, a flame-graph frame, a top-table row, a
// hotspot path — to the Map view's explanation of it. One store action sets the view and
// the function (one history entry), so back returns to where the link was.

import type { MouseEvent } from 'react';
import { mapFunctionEntry } from '../../analysis/maps/functions';
import { actions } from '../../state/store';
import './maps.css';

interface Props {
  /** The function as the source names it (kept in the URL as `mapfn=`). */
  name: string;
  /** Button text; default "Explain in map view". */
  label?: string;
  testId?: string;
  className?: string;
}

export function ExplainMapButton({ name, label, testId = 'explain-map', className }: Props) {
  const entry = mapFunctionEntry(name);
  if (!entry) return null;
  const onClick = (e: MouseEvent) => {
    // Rows and frames below react to clicks themselves (select, zoom).
    e.stopPropagation();
    e.preventDefault();
    actions.explainMapFunction(name);
  };
  return (
    <button
      type="button"
      className={`link-button explain-map ${className ?? ''}`}
      data-testid={testId}
      data-fn={name}
      title={`${name}: ${entry.title} — open its explanation in the Map view`}
      onClick={onClick}
    >
      {label ?? 'Explain in map view'}
    </button>
  );
}
