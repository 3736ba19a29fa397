import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateMessage, invalid, notSupported, required } from '../src/clusterlink/field-errors.js';

test('field errors render like the API server', () => {
  assert.equal(
    aggregateMessage([invalid('spec.mirrorTopics[2].name', 'orders', 'must be "dc1.orders"')]),
    'spec.mirrorTopics[2].name: Invalid value: "orders": must be "dc1.orders"',
  );
  assert.equal(
    aggregateMessage([
      required('spec.sourceKafkaCluster'),
      notSupported('spec.sourceInitiatedLink.linkMode', 'source', ['Source', 'Destination']),
    ]),
    '[spec.sourceKafkaCluster: Required value, spec.sourceInitiatedLink.linkMode: Unsupported value: "source": supported values: "Source", "Destination"]',
  );
});
