/**
 * Unsaved work: an editor with changes registers what would be lost, so leaving it for another
 * page or chat asks first, and so does closing or reloading the tab. One editor at a time.
 */
let pending: string | null = null;

export function setUnsavedWork(what: string | null): void {
  pending = what;
}

/** True when there is nothing unsaved, or the agent chose to leave it (then it is forgotten). */
export function confirmLeavingUnsavedWork(): boolean {
  if (pending === null) return true;
  if (!window.confirm(`${pending} Leave without saving?`)) return false;
  pending = null;
  return true;
}

window.addEventListener('beforeunload', (event) => {
  if (pending !== null) event.preventDefault();
});
