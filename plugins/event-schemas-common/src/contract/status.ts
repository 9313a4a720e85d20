// The suite's lifecycles (Backstage's, plus retired) and ODCS statuses. Any
// other lifecycle is its own status, and any other status its own lifecycle.
const STATUS_OF_LIFECYCLE: Record<string, string> = {
  experimental: 'draft',
  production: 'active',
  deprecated: 'deprecated',
  retired: 'retired',
};
const LIFECYCLE_OF_STATUS: Record<string, string> = {
  proposed: 'experimental',
  draft: 'experimental',
  active: 'production',
  deprecated: 'deprecated',
  retired: 'retired',
};

/** The ODCS status of a lifecycle: production is `active`, experimental `draft`. */
export function statusOfLifecycle(lifecycle: string): string {
  return STATUS_OF_LIFECYCLE[lifecycle] ?? lifecycle;
}

/** The lifecycle of an ODCS status, the reverse of statusOfLifecycle. */
export function lifecycleOfStatus(status: string): string {
  const lower = status.toLowerCase();
  return LIFECYCLE_OF_STATUS[lower] ?? lower;
}
