// docs/rules.md#filters: ACL sync filters.
import { invalid, notSupported, required, type FieldPath } from '../field-errors.js';
import { asArray, asRecord, type JsonRecord } from '../../lib/json.js';
import {
  ACL_PATTERN_TYPES,
  ACL_PERMISSION_TYPES,
  ACL_RESOURCE_TYPE_MISSPELLING,
  ACL_RESOURCE_TYPES,
  normaliseOperation,
  operationsFor,
} from '../enums.js';
import { suggestionDetail } from '../suggest.js';
import { checkRequiredEnum, Findings, SPEC, type RuleResult } from './common.js';

/** `*` or `Type:name`, e.g. `User:alice`. */
const PRINCIPAL = /^(\*|[^:\s]+:\S.*)$/;

/**
 * The normalised operations each resource type accepts, built once per type instead of the list and a
 * normalised copy of each of its entries per filter (docs/performance.md#the-hot-path).
 */
const normalisedOperations = new Map<string, ReadonlySet<string>>();
function acceptsOperation(resourceType: string, operation: string): boolean {
  let accepted = normalisedOperations.get(resourceType);
  if (!accepted) {
    accepted = new Set(operationsFor(resourceType).map(normaliseOperation));
    // bounded: a known resource type (or the tolerated misspelling), else 'any'
    normalisedOperations.set(resourceType, accepted);
  }
  return accepted.has(normaliseOperation(operation));
}

export function validateAclFilters(spec: JsonRecord, out = new Findings()): RuleResult {
  const path = SPEC.child('aclFilters');
  const filters = asArray(spec['aclFilters']);
  if (!filters) return out.result();
  if (filters.length === 0) {
    out.add(
      invalid(
        path,
        filters,
        'needs at least one filter: ACL sync with nothing to sync ends the link task in error; leave the field out to disable it',
      ),
      'acl-filters-empty',
    );
  }
  filters.forEach((item, i) => {
    const filter = asRecord(item);
    if (!filter) return;
    const itemPath = path.index(i);
    const resourcePath = itemPath.child('resourceFilter');
    const accessPath = itemPath.child('accessFilter');
    if (filter['resourceFilter'] === undefined)
      out.add(
        required(resourcePath, "which resources' ACLs to sync (resourceType, patternType, name)"),
        'acl-filter-required-fields',
      );
    if (filter['accessFilter'] === undefined)
      out.add(
        required(accessPath, 'which ACL entries to sync (operation, permissionType, principal, host)'),
        'acl-filter-required-fields',
      );
    const resource = asRecord(filter['resourceFilter']);
    const resourceType = resource ? checkResourceFilter(out, resourcePath, resource) : undefined;
    const access = asRecord(filter['accessFilter']);
    if (access) checkAccessFilter(out, accessPath, access, resourceType);
  });
  return out.result();
}

/** resourceType and patternType; returns the resource type when it is a known one. */
function checkResourceFilter(out: Findings, resourcePath: FieldPath, resource: JsonRecord): string | undefined {
  let resourceType: string | undefined;
  const typePath = resourcePath.child('resourceType');
  const value = resource['resourceType'];
  if (value === ACL_RESOURCE_TYPE_MISSPELLING) {
    resourceType = value;
    out.warn(
      typePath,
      'CFK\'s CRD spells this "transcationId" and rejects "transactionId"',
      'acl-resource-type-spelling',
    );
  } else if (
    checkRequiredEnum(
      out,
      typePath,
      value,
      ACL_RESOURCE_TYPES,
      'one of any, cluster, group, topic, transcationId, delegationToken',
      'acl-filter-required-fields',
    )
  ) {
    resourceType = value as string;
  }
  checkRequiredEnum(
    out,
    resourcePath.child('patternType'),
    resource['patternType'],
    ACL_PATTERN_TYPES,
    'one of any, literal, prefixed, match',
    'acl-filter-required-fields',
  );
  return resourceType;
}

/** permissionType, the operation (one that exists for the resource type), the principal's form. */
function checkAccessFilter(
  out: Findings,
  accessPath: FieldPath,
  access: JsonRecord,
  resourceType: string | undefined,
): void {
  checkRequiredEnum(
    out,
    accessPath.child('permissionType'),
    access['permissionType'],
    ACL_PERMISSION_TYPES,
    'one of any, allow, deny',
    'acl-filter-required-fields',
  );
  const opPath = accessPath.child('operation');
  const operation = access['operation'];
  if (operation === undefined || operation === '') {
    out.add(required(opPath, 'an ACL operation such as read, write, describe, or any'), 'acl-operation');
  } else if (typeof operation === 'string' && !acceptsOperation(resourceType ?? 'any', operation)) {
    const supported = operationsFor(resourceType ?? 'any');
    const hint = suggestionDetail(operation, supported);
    const scope =
      resourceType && resourceType !== 'any'
        ? `not an operation on resourceType ${resourceType}`
        : 'not a Kafka ACL operation';
    out.add(notSupported(opPath, operation, supported, hint ? `${scope}; ${hint}` : scope), 'acl-operation');
  }
  const principal = access['principal'];
  if (typeof principal === 'string' && !PRINCIPAL.test(principal)) {
    out.add(
      invalid(accessPath.child('principal'), principal, 'must be "*" or Type:name, e.g. "User:alice"'),
      'acl-principal',
    );
  }
}
