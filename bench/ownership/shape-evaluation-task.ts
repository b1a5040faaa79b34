// One organization shape and seed's learning evaluation, as a task for the shapes bench's worker threads.
import { evaluateLearning, type LearningEvaluation } from './learning-eval.js';

export interface ShapeEvaluationTask {
  shape: string;
  seed: number;
  resources: number;
}

export function run(task: ShapeEvaluationTask): LearningEvaluation {
  return evaluateLearning(task);
}
