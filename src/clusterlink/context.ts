// What every rule may know besides the object itself.

export interface RuleContext {
  /** The request's namespace (admission) or the manifest's namespace (CLI). */
  namespace?: string;
  operation: 'CREATE' | 'UPDATE';
}
