// Minimal declarations for d3-flame-graph 5.0.0, which ships none. Only the parts
// stacklens calls are typed; see /work/shared/docs/pprof-perf-flamegraph.md §3.
// The tooltip/html helpers are deliberately left out: `.html()` is an innerHTML sink.

declare module 'd3-flame-graph' {
  import type { HierarchyRectangularNode } from 'd3';
  import type { Selection } from 'd3';

  /** A laid-out frame as the chart hands it to callbacks (`d.data` is our raw datum). */
  export type FlameFrame<D> = HierarchyRectangularNode<D> & { id: number; highlight?: boolean; originalValue?: number };

  /** A tooltip is a callable (called with the SVG selection once) with show/hide. */
  export interface FlameTooltip<D> {
    (svg: Selection<SVGSVGElement, unknown, null, undefined>): void;
    show(event: MouseEvent, d: FlameFrame<D>): void;
    hide(): void;
    destroy?(): void;
  }

  export interface FlameGraph<D> {
    (selection: Selection<HTMLElement, D, null, undefined>): void;
    width(): number;
    width(w: number): FlameGraph<D>;
    height(h: number | null): FlameGraph<D>;
    minHeight(h: number): FlameGraph<D>;
    cellHeight(h: number): FlameGraph<D>;
    minFrameSize(px: number): FlameGraph<D>;
    title(t: string): FlameGraph<D>;
    tooltip(t: FlameTooltip<D>): FlameGraph<D>;
    transitionDuration(ms: number): FlameGraph<D>;
    sort(s: boolean | ((a: FlameFrame<D>, b: FlameFrame<D>) => number)): FlameGraph<D>;
    inverted(b: boolean): FlameGraph<D>;
    selfValue(b: boolean): FlameGraph<D>;
    resetHeightOnZoom(b: boolean): FlameGraph<D>;
    scrollOnZoom(b: boolean): FlameGraph<D>;
    getName(f: (d: FlameFrame<D>) => string): FlameGraph<D>;
    getValue(f: (d: D) => number): FlameGraph<D>;
    getChildren(f: (d: D) => D[] | undefined): FlameGraph<D>;
    getLibtype(f: (d: FlameFrame<D>) => string): FlameGraph<D>;
    setColorMapper(f: (d: FlameFrame<D>, originalColor: string) => string): FlameGraph<D>;
    setSearchMatch(f: (d: FlameFrame<D>, term: string, ignoreCase?: boolean) => boolean): FlameGraph<D>;
    setSearchHandler(f: (results: FlameFrame<D>[], sum: number, total: number) => void): FlameGraph<D>;
    setDetailsHandler(f: (text: string | null) => void): FlameGraph<D>;
    setLabelHandler(f: (d: FlameFrame<D>) => string): FlameGraph<D>;
    onClick(f: (d: FlameFrame<D>) => void): FlameGraph<D>;
    onHover(f: (d: FlameFrame<D>) => void): FlameGraph<D>;
    update(data?: D): FlameGraph<D>;
    destroy(): FlameGraph<D>;
  }

  export default function flamegraph<D = unknown>(): FlameGraph<D>;
}
