import type { OrgModel, Truth } from './synthetic-org.js';
export function renderFiles(model: OrgModel, truth: Record<string, Truth>): Record<string, string> {
  return { 'truth.json': JSON.stringify(truth) };
}
