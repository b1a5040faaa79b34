// One organization shape and seed's calibration, as a task for the calibration check's worker threads.
import { OWNER_TYPES, type OwnerType } from '../../src/ownership/owner-type.js';
import { evaluateCalibrationDraws, mean } from './learning-eval.js';
import type { CalibrationRow, TypeCalibration } from './calibration-compare.js';

export interface CalibrationTask {
  shape: string;
  seed: number;
  resources: number;
  /** How many random tenths the ECE after review is averaged over. */
  tenths: number;
}

export function run(task: CalibrationTask): CalibrationRow {
  const e = evaluateCalibrationDraws({ shape: task.shape, seed: task.seed, resources: task.resources }, task.tenths);
  const types = Object.fromEntries(
    OWNER_TYPES.map((type): [OwnerType, TypeCalibration] => {
      return [
        type,
        {
          before: e.labelFree[type].ece,
          after: e.reviewed10[type].ece,
          afterMean: mean(e.reviewed10EceDraws[type]),
          highPrecision: e.reviewed10[type].high_precision,
          rightAtMedium: e.reviewed10[type].right_at_medium,
          brierBefore: e.labelFree[type].brier,
          brierAfter: e.reviewed10[type].brier,
        },
      ];
    }),
  ) as Record<OwnerType, TypeCalibration>;
  return { shape: task.shape, seed: task.seed, types };
}
