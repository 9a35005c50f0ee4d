/** The execution job of an approval: keyed by the proposal, so it is added once. */
export function executionJobIdOf(proposalId: string): string {
  return `exec.${proposalId}`;
}
