import { kindOf, type StepSpec } from './steps';

export { formatMs } from './steps/fields';

/** "#4 update text_notes/note-1 on tablet": how reports and violations name a step. */
export function describeStep(step: StepSpec, index: number): string {
  const { kind, body } = kindOf(step);
  return `#${index + 1} ${kind.describe(body)}`;
}
