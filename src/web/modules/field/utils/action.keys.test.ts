import { describe, expect, it } from 'vitest';
import { ActionKeys } from './action.keys.ts';

describe('idempotency keys per action', () => {
  it('reuses the key when the same action is retried, and issues a new one after success', () => {
    let n = 0;
    const keys = new ActionKeys(() => `k${++n}`);
    const first = keys.keyFor('ack:o1');
    expect(keys.keyFor('ack:o1')).toBe(first);
    keys.succeeded('ack:o1');
    expect(keys.keyFor('ack:o1')).not.toBe(first);
  });

  it('keeps different actions apart and forgets a key on request', () => {
    let n = 0;
    const keys = new ActionKeys(() => `k${++n}`);
    expect(keys.keyFor('ack:o1')).not.toBe(keys.keyFor('status:o1:en_route'));
    const note = keys.keyFor('note:i1');
    keys.forget('note:i1');
    expect(keys.keyFor('note:i1')).not.toBe(note);
  });

  it('makes UUIDs by default', () => {
    expect(new ActionKeys().keyFor('x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
