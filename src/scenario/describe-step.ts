import { formatDurationExact as formatMs } from '../core/units';
import type { StepSpec } from './schema';

/** "#4 update text_notes/note-1 on tablet": how reports and violations name a step. */
export function describeStep(step: StepSpec, index: number): string {
  return `#${index + 1} ${summary(step)}`;
}

const on = (device: string | string[]) => (Array.isArray(device) ? device.join(', ') : device);

function summary(step: StepSpec): string {
  if ('create' in step)
    return `create ${step.create.collection}/${step.create.id} on ${step.create.device}`;
  if ('update' in step)
    return `update ${step.update.collection}/${step.update.id} on ${step.update.device}${step.update.during ? ' during push' : ''}`;
  if ('delete' in step)
    return `delete ${step.delete.collection}/${step.delete.id} on ${step.delete.device}`;
  if ('generate' in step)
    return `generate ${step.generate.count} ${step.generate.collection ?? 'records'} on ${on(step.generate.device)}${step.generate.rate ? ` at ${+(step.generate.rate * 60_000).toFixed(2)}/min` : ''}`;
  if ('offline' in step) return `offline (${step.offline.mode}) ${on(step.offline.device)}`;
  if ('online' in step) return `online ${on(step.online.device)}`;
  if ('flaky' in step) return `flaky ${on(step.flaky.device)} (drop ${step.flaky.dropRate})`;
  if ('faults' in step) return `faults on ${on(step.faults.device)}`;
  if ('crash' in step) return `crash ${on(step.crash.device)} at ${step.crash.at}`;
  if ('restart' in step) return `restart ${on(step.restart.device)}`;
  if ('sync' in step) return `sync ${on(step.sync.device)}`;
  if ('advance' in step) return `advance ${formatMs(step.advance)}`;
  if ('strategy' in step) return `strategy ${step.strategy.use} on ${on(step.strategy.device)}`;
  if ('answer' in step) return `answer ${step.answer.with.join(', ')} on ${on(step.answer.device)}`;
  if ('write' in step) {
    const w = step.write;
    const how = [
      w.format === 'wire' ? '' : ` ${w.format}`,
      w.commit === 'one' ? (w.count > 1 ? ' in one commit' : '') : ' one commit each',
      w.rate ? ` at ${+(w.rate * 60_000).toFixed(2)}/min` : '',
      w.wait
        ? ''
        : `, not waited for${w.headStart ? ` (head start ${formatMs(w.headStart)})` : ''}`,
    ].join('');
    return `write ${w.count}${how} ${w.collection} as ${w.as}${w.user ? ` for ${w.user}` : ''}`;
  }
  return `cleanup older than ${formatMs(step.cleanup.olderThan)} on ${on(step.cleanup.device)}`;
}
