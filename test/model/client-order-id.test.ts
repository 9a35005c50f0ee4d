import { describe, expect, it } from 'vitest';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { OrderPurpose } from '../../src/model/order-purpose.ts';

const UUID_V5_STYLE = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('clientOrderIdOf', () => {
  it('is the same for the same proposal and purpose, every time', () => {
    expect(clientOrderIdOf('prop-BTC-USD-1h-1656630000000', 'entry')).toBe(
      clientOrderIdOf('prop-BTC-USD-1h-1656630000000', 'entry'),
    );
    // Pinned: a change here would rename every order in flight across a deploy.
    expect(clientOrderIdOf('prop-1', 'entry')).toMatchInlineSnapshot(`"0f38fba2-3c3c-563c-be8c-a6a194c1ccad"`);
  });

  it('is a 36-character UUID of hex digits and dashes, fit for Kraken cl_ord_id', () => {
    for (const purpose of OrderPurpose.options) {
      const id = clientOrderIdOf(`prop-${purpose}-${'x'.repeat(200)}`, purpose);
      expect(id).toHaveLength(36);
      expect(id).toMatch(UUID_V5_STYLE);
      expect(id).toMatch(/^[A-Za-z0-9-]+$/);
    }
  });

  it('differs between purposes of one proposal and between proposals', () => {
    const ids = new Set<string>();
    for (const proposalId of ['prop-1', 'prop-2', 'prop-10']) {
      for (const purpose of OrderPurpose.options) ids.add(clientOrderIdOf(proposalId, purpose));
    }
    expect(ids.size).toBe(3 * OrderPurpose.options.length);
  });
});
