/**
 * Starts background work (a lease, a key refresh, a revocation check) once the current call's
 * synchronous work is done, rather than inside it: sending a Firestore request costs a
 * millisecond or more of CPU, which the call that happened to trigger it would otherwise add
 * to its own latency. On Cloud Run the work then runs right after the response, or, if the
 * instance's CPU is throttled by then, when its next request arrives; nothing relies on it
 * running sooner (a call whose pool or check is too old waits for one itself).
 */
export function startSoon(task: () => void): void {
  setImmediate(task);
}
