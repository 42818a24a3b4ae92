// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Intent } from '../../src/intent';
import { createTriggerFiring } from '../../src/trigger-firing';
import { createRuleSet } from '../../src/triggers';

const intent = (sessionId: string, events: number): Intent => ({ purchase: 0.1, stage: 'browsing', reasons: [], source: 'model', backend: 'js', modelVersion: 'm', sessionId, events });

describe('rules waiting for the stored fired log', () => {
  it('hold at most one match per rule (its first), however many updates match while waiting', async () => {
    const rules = createRuleSet([{ id: 'each', when: () => true, cap: { perSession: 1000 } }]).rules;
    const emitted: number[] = [];
    const firing = createTriggerFiring({ store: () => undefined, now: () => 0, rules: () => rules, emitTrigger: (t) => emitted.push(t.intent.events) });
    for (let i = 1; i <= 5000; i++) firing.hold(rules, intent('s1', i));
    await firing.drain('s1', () => false);
    expect(emitted).toEqual([1]);
  });
});
