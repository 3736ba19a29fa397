// docs/rules.md#filters: consumer group filters and auto-create topic filters.
import { duplicate, FieldPath, invalid, required } from '../field-errors.js';
import { asArray, asRecord, type JsonRecord } from '../../lib/json.js';
import { FILTER_TYPES, UPPER_PATTERN_TYPES } from '../enums.js';
import { checkRequiredEnumField, Findings, SPEC, type RuleResult } from './common.js';

const NO_INCLUDE_CONSUMER =
  'needs at least one INCLUDE filter: offset sync with nothing to sync ends the link task in error; leave the field out to disable it';

export function validateConsumerGroupFilters(spec: JsonRecord, out = new Findings()): RuleResult {
  const path = SPEC.child('consumerGroupFilters');
  const filters = asArray(spec['consumerGroupFilters']);
  if (!filters) return out.result();
  const seen = new Map<string, number>();
  const includes = checkFilterList(out, path, filters, (filter, itemPath, i) => {
    const name = filter['name'];
    if (name === '')
      out.add(
        required(itemPath.child('name'), 'a consumer group name or prefix, or "*" (LITERAL) for all groups'),
        'consumer-group-filter-name',
      );
    if (name === '*' && filter['patternType'] === 'PREFIXED') {
      out.add(
        invalid(itemPath.child('name'), name, 'the wildcard "*" only works with patternType LITERAL'),
        'consumer-group-filter-name',
      );
    }
    const patternType = filter['patternType'];
    const filterType = filter['filterType'];
    if (typeof name === 'string' && typeof patternType === 'string' && typeof filterType === 'string') {
      // length-prefixed, so no two triples share a key (cheaper than the JSON.stringify of an array it replaced)
      const key = `${patternType.length}:${patternType}${filterType.length}:${filterType}${name}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        out.add(
          duplicate(itemPath, name, `same name, patternType and filterType as ${path.index(first).toString()}`),
          'consumer-group-filter-duplicate',
        );
    }
  });
  // a misspelt filterType may well have meant INCLUDE: report that error alone
  if (includes === 0) out.add(invalid(path, filters, NO_INCLUDE_CONSUMER), 'consumer-group-filter-include');
  return out.result();
}

/**
 * Checks what every filter list shares (an object per item, filterType and patternType), then `checkItem` for what
 * is particular to the list. Returns how many are INCLUDE, or -1 when some item or filterType is unclear.
 */
function checkFilterList(
  out: Findings,
  path: FieldPath,
  filters: readonly unknown[],
  checkItem: (filter: JsonRecord, itemPath: FieldPath, index: number) => void,
): number {
  let includes = 0;
  let unclear = 0;
  for (let i = 0; i < filters.length; i++) {
    const filter = asRecord(filters[i]);
    if (!filter) {
      unclear++; // the shape check reports it
      continue;
    }
    const itemPath = path.index(i);
    if (
      !checkRequiredEnumField(
        out,
        itemPath,
        'filterType',
        filter['filterType'],
        FILTER_TYPES,
        'INCLUDE or EXCLUDE',
        'filter-required-fields',
      )
    )
      unclear++;
    checkRequiredEnumField(
      out,
      itemPath,
      'patternType',
      filter['patternType'],
      UPPER_PATTERN_TYPES,
      'PREFIXED or LITERAL',
      'filter-required-fields',
    );
    if (filter['filterType'] === 'INCLUDE') includes++;
    checkItem(filter, itemPath, i);
  }
  return unclear > 0 ? -1 : includes;
}

function validateTopicFilterList(out: Findings, path: FieldPath, filters: readonly unknown[]): number {
  return checkFilterList(out, path, filters, (filter, itemPath) => {
    if (filter['name'] === undefined || filter['name'] === '') {
      out.add(
        required(itemPath.child('name'), 'a topic name or prefix, or "*" (LITERAL) for all topics'),
        'auto-create-filter-name',
      );
    }
  });
}

export function validateAutoCreateTopics(spec: JsonRecord, out = new Findings()): RuleResult {
  const autoCreate = asRecord(asRecord(spec['mirrorTopicOptions'])?.['autoCreateTopics']);
  if (!autoCreate) return out.result();
  const path = SPEC.child('mirrorTopicOptions', 'autoCreateTopics');
  const filtersPath = path.child('topicFilters');
  const filters = asArray(autoCreate['topicFilters']);
  const includes = filters ? validateTopicFilterList(out, filtersPath, filters) : 0;
  if (autoCreate['enabled'] === true) {
    if (autoCreate['topicFilters'] === undefined) {
      out.add(
        required(
          filtersPath,
          'auto-create is enabled: add at least one INCLUDE filter (name "*", LITERAL for all topics)',
        ),
        'auto-create-filter-include',
      );
    } else if (filters && includes === 0) {
      out.add(
        invalid(
          filtersPath,
          filters,
          'auto-create is enabled: add at least one INCLUDE filter, or nothing is mirrored',
        ),
        'auto-create-filter-include',
      );
    }
  } else if (
    filters &&
    filters.length > 0 &&
    (autoCreate['enabled'] === false || autoCreate['enabled'] === undefined)
  ) {
    out.warn(
      filtersPath,
      'ignored and cleared because autoCreateTopics.enabled is not true',
      'auto-create-filters-ignored',
    );
  }
  return out.result();
}
