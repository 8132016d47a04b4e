import type { ScenarioName } from './options.ts';
import type { TargetKind } from './targets.ts';

/** One row of the final table. */
export interface Metric {
  id: string;
  scenario: ScenarioName;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  digits: number;
  /** A context figure (interference, policy counts): no ratio column. */
  noRatio?: boolean;
  /** SegmentChat's goal from issue 7, when it has one. */
  /** `met` answers null when the goal cannot be judged (e.g. the baseline it compares with is missing). */
  goal?: { text: string; met: (value: number, row: Map<TargetKind, number | null>) => boolean | null };
}

export interface Cell {
  value: number | null;
  /** Why a value is missing or what qualifies it (e.g. "past knee", "generator-bound"). */
  note?: string;
}

/** Everything the run measured: per metric, per target. */
export class Results {
  readonly metrics: Metric[] = [];
  readonly cells = new Map<string, Map<TargetKind, Cell>>();
  /** Free-form lines per scenario and target (sweep steps, errors) for the detailed log. */
  readonly details: string[] = [];

  put(metric: Metric, target: TargetKind, value: number | null, note?: string): void {
    if (!this.metrics.some((m) => m.id === metric.id)) this.metrics.push(metric);
    let row = this.cells.get(metric.id);
    if (!row) {
      row = new Map();
      this.cells.set(metric.id, row);
    }
    row.set(target, note === undefined ? { value } : { value, note });
  }

  detail(line: string): void {
    this.details.push(line);
    console.log(line);
  }
}
