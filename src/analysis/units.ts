// Number formatting exactly as pprof prints it (internal/measurement), so a value in
// our tables reads the same as in `go tool pprof -top`, and tests can compare text.

interface Unit {
  name: string;
  aliases: string[];
  factor: number;
}
interface UnitType {
  units: Unit[];
  def: Unit;
}

const UNIT_TYPES: UnitType[] = [
  {
    units: [
      { name: 'B', aliases: ['b', 'byte'], factor: 1 },
      { name: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { name: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { name: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { name: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { name: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    def: { name: 'B', aliases: [], factor: 1 },
  },
  {
    units: [
      { name: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { name: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { name: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      { name: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 },
      { name: 'hrs', aliases: ['hour', 'hr'], factor: 3600e9 },
    ],
    def: { name: 's', aliases: [], factor: 1e9 },
  },
  {
    units: [
      { name: 'n*GCU', aliases: ['nanogcu'], factor: 1e-9 },
      { name: 'u*GCU', aliases: ['microgcu'], factor: 1e-6 },
      { name: 'm*GCU', aliases: ['milligcu'], factor: 1e-3 },
      { name: 'GCU', aliases: ['gcu'], factor: 1 },
      { name: 'k*GCU', aliases: ['kilogcu'], factor: 1e3 },
      { name: 'M*GCU', aliases: ['megagcu'], factor: 1e6 },
      { name: 'G*GCU', aliases: ['gigagcu'], factor: 1e9 },
      { name: 'T*GCU', aliases: ['teragcu'], factor: 1e12 },
      { name: 'P*GCU', aliases: ['petagcu'], factor: 1e15 },
    ],
    def: { name: 'GCU', aliases: [], factor: 1 },
  },
];

function sniffUnit(ut: UnitType, unit: string): Unit | undefined {
  let u = unit.toLowerCase();
  if (u.length > 2 && u.endsWith('s')) u = u.slice(0, -1);
  return ut.units.find((x) => x.aliases.includes(u));
}

/** pprof measurement.Scale: toUnit "auto"/"minimum" picks the largest unit ≤ the value. */
export function scaleValue(value: number, fromUnit: string, toUnit = 'auto'): [number, string] {
  if (value < 0) {
    const [v, u] = scaleValue(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const ut of UNIT_TYPES) {
    const from = sniffUnit(ut, fromUnit);
    if (!from) continue;
    const v = value * from.factor;
    if (toUnit === 'auto' || toUnit === 'minimum') {
      let f = 0;
      let name = '';
      for (const u of ut.units) {
        if (u.factor >= f && v / u.factor >= 1) {
          f = u.factor;
          name = u.name;
        }
      }
      if (f === 0) return [v / ut.def.factor, ut.def.name];
      return [v / f, name];
    }
    const to = sniffUnit(ut, toUnit) ?? ut.def;
    return [v / to.factor, to.name];
  }
  return [value, ['count', 'sample', 'unit', 'minimum', 'auto'].includes(toUnit) ? '' : toUnit];
}

/**
 * pprof Report.selectOutputUnit: one unit for a whole table, chosen from the smallest
 * non-zero row so that it still shows as at least 0.01.
 */
export function selectOutputUnit(flat: ArrayLike<number>, cum: ArrayLike<number>, total: number, sampleUnit: string): string {
  let min = 0;
  for (let i = 0; i < flat.length; i++) {
    let v = Math.abs(flat[i]);
    if (v === 0) v = Math.abs(cum[i]);
    if (v > 0 && (min === 0 || v < min)) min = v;
  }
  const max = total;
  if (min === 0) min = max;
  const [, minUnit] = scaleValue(min, sampleUnit, 'minimum');
  const [, maxUnit] = scaleValue(max, sampleUnit, 'minimum');
  let unit = minUnit;
  if (minUnit !== maxUnit && min * 100 < max) [, unit] = scaleValue(100 * min, sampleUnit, 'minimum');
  return unit !== '' ? unit : sampleUnit;
}

/** Go's %.{digits}f: correctly rounded, ties to even on the exact binary value. */
export function goFixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  const scaled = v * 10 ** digits;
  const frac = scaled - Math.floor(scaled);
  if (frac === 0.5 && Number.isFinite(scaled) && Math.abs(scaled) < 2 ** 52) {
    // JS rounds exact ties away from zero (up in magnitude); Go rounds them to even.
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return s;
}

/** pprof measurement.ScaledLabel: "1.20s", "512.05kB", "17". */
export function scaledLabel(value: number, unit: string, toUnit = 'auto'): string {
  const [v, u] = scaleValue(value, unit, toUnit);
  let sv = goFixed(v, 2);
  if (sv.endsWith('.00')) sv = sv.slice(0, -3);
  if (sv === '0' || sv === '-0') return '0';
  return sv + u;
}

/** Go's %.2g. */
function goG2(v: number): string {
  if (v === 0) return '0';
  const e = Number(v.toExponential(1).split('e')[1]);
  if (e < -4 || e >= 2) {
    const [m, x] = v.toExponential(1).split('e');
    const mant = m.replace(/\.?0+$/, '');
    const n = Number(x);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  // goFixed: an exact tie (1/160 = 0.625%) rounds to even as in Go, not up as toFixed does.
  return goFixed(v, Math.max(0, 1 - e)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** pprof measurement.Percentage: "  100%", "12.34%", "0.049%". */
export function percentage(value: number, total: number): string {
  const ratio = total !== 0 ? Math.abs(value / total) * 100 : 0;
  if (ratio >= 99.95 && ratio <= 100.05) return '  100%';
  if (ratio >= 1) return `${goFixed(ratio, 2).padStart(5)}%`;
  return `${goG2(ratio).padStart(5)}%`;
}
